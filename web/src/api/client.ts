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

export async function authFetch(input: Request): Promise<Response> {
  const retry = input.clone();
  const response = await fetch(withToken(input));
  if (response.status !== 401 || !useSession.getState().tokens || input.url.includes("/auth/")) {
    return response;
  }
  refreshing ??= refreshSession().finally(() => {
    refreshing = null;
  });
  return (await refreshing) ? fetch(withToken(retry)) : response;
}

export const api = createClient<paths>({ baseUrl: "", fetch: authFetch });

/** The data of an openapi-fetch result, or an ApiError carrying the problem details. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok) return result.data as T;
  throw new ApiError(result.response.status, result.error as ProblemBody | undefined);
}

export type { paths };
export type { components } from "./schema";
