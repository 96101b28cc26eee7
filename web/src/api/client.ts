import createClient from "openapi-fetch";

import { useSession } from "../auth/session";
import type { paths } from "./schema";
import { ApiError, type ProblemBody } from "./problems";

// One typed client generated from the gateway's OpenAPI document (`npm run api` regenerates
// schema.d.ts from src/api/openapi.json). Every request carries the access token; a 401 is
// answered once by refreshing the session and retrying.

let refreshing: Promise<boolean> | null = null;

async function refreshSession(): Promise<boolean> {
  const tokens = useSession.getState().tokens;
  if (!tokens) return false;
  const response = await fetch("/api/v1/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ refresh_token: tokens.refresh_token }),
  });
  if (!response.ok) {
    useSession.getState().signOut();
    return false;
  }
  useSession.getState().signIn(await response.json());
  return true;
}

function withToken(request: Request): Request {
  const token = useSession.getState().tokens?.access_token;
  const copy = new Request(request);
  if (token && !copy.headers.has("Authorization")) copy.headers.set("Authorization", `Bearer ${token}`);
  return copy;
}

function refreshOnce(): Promise<boolean> {
  refreshing ??= refreshSession().finally(() => {
    refreshing = null;
  });
  return refreshing;
}

/** The access token, refreshed first when it expires within 30 s (the live socket sends it
 * once, at connect, so a stale one would be refused at the handshake). */
export async function freshAccessToken(now: number = Date.now()): Promise<string | null> {
  const tokens = useSession.getState().tokens;
  if (!tokens) return null;
  if (Date.parse(tokens.access_expires_at) - now < 30_000) await refreshOnce();
  return useSession.getState().tokens?.access_token ?? null;
}

export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await fetch(withToken(input));
  if (response.status !== 401 || !useSession.getState().tokens || input.url.includes("/auth/")) {
    return response;
  }
  return (await refreshOnce()) ? fetch(withToken(retry)) : response;
}

export const api = createClient<paths>({ baseUrl: "", fetch: authFetch });

/** The data of an openapi-fetch result, or an ApiError carrying the problem details. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw new ApiError(result.response.status, result.error as ProblemBody | undefined);
}

export type { paths };
export type { components } from "./schema";
