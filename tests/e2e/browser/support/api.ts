import type { Account } from "./browser";

/** A request to the gateway as the account (`path` from the host's root, e.g. `/api/v1/me`):
 * its JSON answer; a refusal throws with the status and the problem's text. */
export async function apiCall(
  baseUrl: string,
  account: Account,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${String(account.tokens.access_token)}`,
      ...(body === undefined ? {} : { "Content-Type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}
