import { describe, expect, it } from "vitest";

import { adviceFor, LEVELS, nextSandbox, qualityOf, statusOf, tierLabel, webhookUrl, type ChannelView } from "./health";

const channel: ChannelView = {
  channel_id: "wa_1",
  provider: "cloud_api",
  name: "Shop",
  phone_number_id: "106540352242922",
  display_phone_number: "+1 555 010 0123",
  verified_name: "Shop",
  business_account_id: "1234567",
  status: "active",
  paused_code: "",
  paused_reason: "",
  paused_remedy: "",
  messages_per_second: 80,
  warmup: false,
  tier: "TIER_1K",
  quality: "GREEN",
  connected_at: "2026-01-01T00:00:00Z",
};

describe("health advice", () => {
  it("says what to do for every reason the watchdog gives", () => {
    for (const code of ["delivery_failures", "spam_signals", "opt_outs", "low_replies", "quality_yellow", "quality_red", "tier_usage"]) {
      const advice = adviceFor(code);
      expect(advice.title).not.toBe(code.replaceAll("_", " "));
      expect(advice.action.length).toBeGreaterThan(30);
    }
    expect(adviceFor("spam_signals").action).toMatch(/opted in/);
  });

  it("still helps with a reason it does not know", () => {
    expect(adviceFor("new_signal")).toEqual({
      title: "new signal",
      action: "Review the number's recent messages on the dashboard.",
    });
  });

  it("explains what each level does to sending", () => {
    expect(LEVELS.slowed.effect).toMatch(/half speed/);
    expect(LEVELS.campaigns_paused.effect).toMatch(/replies to customers still go out/);
  });
});

describe("number labels", () => {
  it("names statuses, quality ratings and tiers", () => {
    expect(statusOf(channel).label).toBe("Connected");
    expect(statusOf({ ...channel, status: "paused" }).label).toBe("Paused");
    expect(statusOf({ ...channel, status: "disconnected" }).label).toBe("Disconnected");
    expect(qualityOf("green").label).toBe("High");
    expect(qualityOf("UNKNOWN").label).toBe("Not rated yet");
    expect(tierLabel("TIER_1K")).toBe("1,000 new people / 24 h");
    expect(tierLabel("TIER_UNLIMITED")).toBe("Unlimited");
    expect(tierLabel("TIER_5")).toBe("TIER_5");
  });

  it("builds the webhook URL Meta calls", () => {
    expect(webhookUrl("https://app.example.com/", "wa_1")).toBe("https://app.example.com/webhooks/whatsapp/wa_1");
  });

  it("picks the first free sandbox id", () => {
    expect(nextSandbox([])).toEqual({ channel_id: "sandbox", name: "Sandbox" });
    expect(nextSandbox(["sandbox", "sandbox-2", "wa_1"])).toEqual({ channel_id: "sandbox-3", name: "Sandbox 3" });
  });
});
