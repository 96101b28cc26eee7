import type { components } from "../../../api/schema";

// What the number's health figures mean and what to do about each reason. The reason codes are
// the messaging watchdog's (services/messaging/src/parley/messaging/domain/health.py).

export type ChannelView = components["schemas"]["ChannelView"];
export type NumberHealthReport = components["schemas"]["NumberHealthReport"];
export type HealthReason = components["schemas"]["HealthReason"];
export type HealthLevel = NumberHealthReport["level"];

export interface Advice {
  title: string;
  action: string;
}

const ADVICE: Record<string, Advice> = {
  delivery_failures: {
    title: "Many messages failed",
    action:
      "Check the failure codes on the dashboard. Remove numbers that are not on WhatsApp, and make sure templates are approved before sending them.",
  },
  spam_signals: {
    title: "WhatsApp flagged messages as spam",
    action:
      "Stop campaigns on this number for a day. Send only to contacts who opted in, lower the sending rate, and make the first message relevant and easy to opt out of.",
  },
  opt_outs: {
    title: "Many people opted out",
    action:
      "Send less often and to a narrower segment. People who opt out soon report the number, which lowers its quality rating.",
  },
  low_replies: {
    title: "Few people reply",
    action:
      "Make messages more personal and ask a question or offer buttons. Messages nobody answers look like spam to WhatsApp.",
  },
  quality_yellow: {
    title: "Quality rating is yellow",
    action:
      "WhatsApp has seen blocks or reports. Pause broadcasts to cold contacts and review your templates before the rating turns red.",
  },
  quality_red: {
    title: "Quality rating is red",
    action:
      "The number is close to being restricted. Pause campaigns, send only replies to customers who wrote in, and wait for the rating to recover (usually 7 days).",
  },
  tier_usage: {
    title: "Close to the messaging limit",
    action:
      "The tier caps how many new people the number can reach per 24 h. Spread the campaign over more days; the tier rises when quality stays high.",
  },
};

/** The advice for a health reason; unknown codes still get something useful. */
export function adviceFor(code: string): Advice {
  return (
    ADVICE[code] ?? {
      title: code.replaceAll("_", " "),
      action: "Review the number's recent messages on the dashboard.",
    }
  );
}

export const LEVELS: Record<HealthLevel, { label: string; color: string; effect: string }> = {
  healthy: { label: "Healthy", color: "teal", effect: "Sending at full speed." },
  watch: { label: "Watch", color: "yellow", effect: "Sending at full speed; keep an eye on it." },
  slowed: { label: "Slowed", color: "orange", effect: "Sending at half speed to protect the number." },
  campaigns_paused: {
    label: "Campaigns paused",
    color: "red",
    effect: "Campaigns are paused; replies to customers still go out.",
  },
};

export const QUALITY: Record<string, { label: string; color: string }> = {
  GREEN: { label: "High", color: "teal" },
  YELLOW: { label: "Medium", color: "yellow" },
  RED: { label: "Low", color: "red" },
};

export function qualityOf(rating: string): { label: string; color: string } {
  return QUALITY[rating.toUpperCase()] ?? { label: "Not rated yet", color: "gray" };
}

const TIERS: Record<string, string> = {
  TIER_50: "50 new people / 24 h",
  TIER_250: "250 new people / 24 h",
  TIER_1K: "1,000 new people / 24 h",
  TIER_2K: "2,000 new people / 24 h",
  TIER_10K: "10,000 new people / 24 h",
  TIER_100K: "100,000 new people / 24 h",
  TIER_UNLIMITED: "Unlimited",
};

export function tierLabel(tier: string): string {
  return TIERS[tier.toUpperCase()] ?? tier;
}

export function providerLabel(provider: ChannelView["provider"]): string {
  return provider === "cloud_api" ? "Cloud API" : "Sandbox";
}

export function statusOf(channel: ChannelView): { label: string; color: string } {
  if (channel.status === "paused") return { label: "Paused", color: "orange" };
  if (channel.status === "disconnected") return { label: "Disconnected", color: "gray" };
  return { label: "Connected", color: "teal" };
}

/** What Meta's dashboard needs as the callback URL for this number. */
export function webhookUrl(origin: string, channelId: string): string {
  return `${origin.replace(/\/$/, "")}/webhooks/whatsapp/${encodeURIComponent(channelId)}`;
}

/** The first free sandbox id ("sandbox", then "sandbox-2"...), since ids never get reused. */
export function nextSandbox(existingIds: readonly string[]): { channel_id: string; name: string } {
  const taken = new Set(existingIds);
  if (!taken.has("sandbox")) return { channel_id: "sandbox", name: "Sandbox" };
  for (let n = 2; ; n++) {
    if (!taken.has(`sandbox-${n}`)) return { channel_id: `sandbox-${n}`, name: `Sandbox ${n}` };
  }
}
