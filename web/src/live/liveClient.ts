import { freshAccessToken } from "../api/client";

// The live console's socket (protocol: services/gateway/src/parley/gateway/live/socket_protocol.py).
// One socket for the whole app; each subscription remembers the last `seq` it saw, so after a
// drop (network, 4008 slow consumer, 1012 restart) it resubscribes with `since` and misses
// nothing; (seq, position) pairs already delivered are skipped.

export interface LiveFilter {
  workspace_id: string;
  flow_id?: string | null;
  execution_id?: string | null;
}

/** The stored message's envelope (libs/contracts/src/parley/contracts/envelope.py). */
export interface Envelope {
  event_id: string;
  type: string;
  schema_version: number;
  occurred_at: string;
  workspace_id: string;
  correlation_id: string;
  causation_id?: string | null;
  data: Record<string, unknown>;
}

export interface LiveEvent {
  seq: number;
  position: number;
  execution_id: string;
  flow_id: string | null;
  event: Envelope;
}

type Handler = (event: LiveEvent) => void;

interface Subscription {
  id: string;
  filter: LiveFilter;
  handler: Handler;
  seq: number | null;
  seen: Set<string>;
}

export type LiveStatus = "connecting" | "open" | "closed";

export class LiveClient {
  private socket: WebSocket | null = null;
  private opening = false;
  private readonly subscriptions = new Map<string, Subscription>();
  private nextId = 1;
  private retry = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly statusListeners = new Set<(status: LiveStatus) => void>();
  status: LiveStatus = "closed";

  constructor(private readonly url: (token: string) => string) {}

  subscribe(filter: LiveFilter, handler: Handler): () => void {
    const id = `s${this.nextId++}`;
    const sub: Subscription = { id, filter, handler, seq: null, seen: new Set() };
    this.subscriptions.set(id, sub);
    if (this.socket?.readyState === WebSocket.OPEN) this.send(sub);
    else this.connect();
    return () => {
      this.subscriptions.delete(id);
      if (this.socket?.readyState === WebSocket.OPEN) {
        this.socket.send(JSON.stringify({ type: "unsubscribe", id }));
      }
      if (this.subscriptions.size === 0) this.close();
    };
  }

  onStatus(listener: (status: LiveStatus) => void): () => void {
    this.statusListeners.add(listener);
    listener(this.status);
    return () => this.statusListeners.delete(listener);
  }

  private setStatus(status: LiveStatus): void {
    this.status = status;
    for (const listener of this.statusListeners) listener(status);
  }

  private connect(): void {
    if (this.socket || this.opening) return;
    this.opening = true;
    void freshAccessToken()
      .then((token) => {
        if (!token || this.subscriptions.size === 0) return;
        this.open(token);
      })
      .catch(() => this.scheduleReconnect())
      .finally(() => {
        this.opening = false;
      });
  }

  private open(token: string): void {
    this.setStatus("connecting");
    const socket = new WebSocket(this.url(token));
    this.socket = socket;
    socket.onopen = () => {
      this.retry = 0;
      this.setStatus("open");
      for (const sub of this.subscriptions.values()) this.send(sub);
    };
    socket.onmessage = (message) => this.receive(JSON.parse(String(message.data)));
    socket.onclose = () => {
      this.socket = null;
      this.setStatus("closed");
      if (this.subscriptions.size > 0) this.scheduleReconnect();
    };
  }

  private scheduleReconnect(): void {
    if (this.timer) return;
    const delay = Math.min(10_000, 250 * 2 ** this.retry++);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connect();
    }, delay);
  }

  private close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close(1000, "no subscriptions");
    this.setStatus("closed");
  }

  private send(sub: Subscription): void {
    this.socket?.send(
      JSON.stringify({
        type: "subscribe",
        id: sub.id,
        workspace_id: sub.filter.workspace_id,
        flow_id: sub.filter.flow_id ?? null,
        execution_id: sub.filter.execution_id ?? null,
        since: sub.seq,
      }),
    );
  }

  private receive(message: Record<string, unknown>): void {
    const sub = this.subscriptions.get(String(message.id));
    if (!sub) return;
    if (message.type === "subscribed") {
      const seq = Number(message.seq);
      sub.seq = Math.max(sub.seq ?? 0, seq);
      return;
    }
    if (message.type !== "event") return;
    const event = message as unknown as LiveEvent;
    const key = `${event.seq}:${event.position}`;
    if (sub.seen.has(key)) return;
    sub.seen.add(key);
    if (sub.seen.size > 5000) sub.seen = new Set([...sub.seen].slice(-2500));
    sub.seq = Math.max(sub.seq ?? 0, event.seq);
    sub.handler(event);
  }
}

function socketUrl(token: string): string {
  const scheme = window.location.protocol === "https:" ? "wss" : "ws";
  return `${scheme}://${window.location.host}/ws?access_token=${encodeURIComponent(token)}`;
}

export const live = new LiveClient(socketUrl);
