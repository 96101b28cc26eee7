import { describe, expect, it } from "vitest";

import { keyPrefix } from "../apikeys/queries";
import { invitationLink } from "./queries";

describe("links and prefixes", () => {
  it("builds the accept link with the token escaped", () => {
    expect(invitationLink("http://127.0.0.1:8080", "a+b/c")).toBe("http://127.0.0.1:8080/invite?token=a%2Bb%2Fc");
  });

  it("shows an API key's public start", () => {
    expect(keyPrefix({ id: "abc123def456" })).toBe("pk_abc123def456_…");
  });
});
