import { describe, expect, it } from "vitest";

import { cloudApiRules, isE164, isEmail, optional, splitApiErrors, validRate } from "./validation";

describe("the Cloud API form rules", () => {
  it("wants numeric ids from WhatsApp Manager", () => {
    expect(cloudApiRules.phone_number_id("106540352242922")).toBeNull();
    expect(cloudApiRules.phone_number_id(" 106540352242922 ")).toBeNull();
    expect(cloudApiRules.phone_number_id("+1 555 0100")).toMatch(/Phone number ID must be the numeric id/);
    expect(cloudApiRules.business_account_id("1234")).toMatch(/5–32 digits/);
  });

  it("names the field and the length rule for secrets", () => {
    expect(cloudApiRules.access_token("short")).toBe("Access token must be at least 20 characters");
    expect(cloudApiRules.app_secret("x".repeat(16))).toBeNull();
    expect(cloudApiRules.verify_token("1234567")).toBe("Verify token must be at least 8 characters");
    expect(cloudApiRules.verify_token("x".repeat(257))).toBe("Verify token must be at most 256 characters");
  });

  it("keeps the rate a whole number from 1 to 1000", () => {
    expect(validRate(80)).toBeNull();
    expect(validRate(0)).toMatch(/from 1 to 1000/);
    expect(validRate(1001)).toMatch(/from 1 to 1000/);
    expect(validRate(2.5)).toMatch(/whole number/);
    expect(validRate("")).toMatch(/whole number/);
  });

  it("lets a blank optional secret through and checks a typed one", () => {
    const rule = optional(cloudApiRules.access_token);
    expect(rule("  ")).toBeNull();
    expect(rule("short")).toMatch(/at least 20/);
  });
});

describe("phone numbers and emails", () => {
  it("accepts E.164 with spaces and refuses the rest", () => {
    expect(isE164("+15550100123")).toBe(true);
    expect(isE164("+1 555 010 0123")).toBe(true);
    expect(isE164("15550100123")).toBe(false);
    expect(isE164("+0123456789")).toBe(false);
    expect(isE164("+1234567")).toBe(false);
    expect(isE164("+1234567890123456")).toBe(false);
  });

  it("checks the shape of an email", () => {
    expect(isEmail("ana@example.com")).toBe(true);
    expect(isEmail("ana@example")).toBe(false);
    expect(isEmail("ana example.com")).toBe(false);
  });
});

describe("splitApiErrors", () => {
  it("puts the API's field errors on the form's fields and the rest above it", () => {
    const { onFields, general } = splitApiErrors(
      { access_token: "rejected by WhatsApp: bad token", payload: "cannot reach the WhatsApp API", "definition.name": "too long" },
      ["access_token", "name"],
    );
    expect(onFields).toEqual({ access_token: "rejected by WhatsApp: bad token", name: "too long" });
    expect(general).toEqual(["cannot reach the WhatsApp API"]);
  });
});
