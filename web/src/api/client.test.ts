import { afterEach, describe, expect, it, vi } from "vitest";

import { useSession } from "../auth/session";
import { freshAccessToken } from "./client";

const NOW = Date.parse("2026-12-02T10:00:00Z");

function signInExpiringIn(seconds: number) {
  useSession.getState().signIn({
    access_token: "old",
    refresh_token: "r1",
    access_expires_at: new Date(NOW + seconds * 1000).toISOString(),
    user_id: "u1",
  });
}

afterEach(() => {
  vi.unstubAllGlobals();
  useSession.getState().signOut();
});

describe("freshAccessToken", () => {
  it("keeps a token that is good for a while, asking nobody", async () => {
    signInExpiringIn(600);
    vi.stubGlobal("fetch", () => Promise.reject(new Error("no request expected")));
    expect(await freshAccessToken(NOW)).toBe("old");
  });

  it("refreshes a token about to expire, once, before handing it out", async () => {
    signInExpiringIn(10);
    const calls: string[] = [];
    vi.stubGlobal("fetch", async (url: string, init: RequestInit) => {
      calls.push(`${url} ${String(init.body)}`);
      const next = { access_token: "new", refresh_token: "r2", access_expires_at: new Date(NOW + 900_000).toISOString(), user_id: "u1" };
      return new Response(JSON.stringify(next), { status: 200 });
    });
    const [a, b] = await Promise.all([freshAccessToken(NOW), freshAccessToken(NOW)]);
    expect([a, b]).toEqual(["new", "new"]);
    expect(calls).toEqual(['/api/v1/auth/refresh {"refresh_token":"r1"}']);
  });

  it("signs out when the refresh is refused", async () => {
    signInExpiringIn(-5);
    vi.stubGlobal("fetch", async () => new Response("{}", { status: 401 }));
    expect(await freshAccessToken(NOW)).toBeNull();
    expect(useSession.getState().tokens).toBeNull();
  });
});
