// The ops alert's one-line error and its Retry button. Pure.
import { describe, expect, it } from "vitest";
import type { OpsAlertDoc } from "../../../shared/db/index.js";
import { RETRY_ACTION_ID, alertCard, oneLineError } from "../../../slack/ops/alert-card.js";

const alert = (name: string): OpsAlertDoc => ({
  _id: "run:r1",
  functionId: "salesbot-slack-daily-digest",
  runId: "r1",
  event: { name, data: {} },
  subject: {},
  error: "boom",
  at: new Date("2026-12-01T10:00:00Z"),
  state: "failed",
  retries: [],
});

describe("oneLineError", () => {
  it("keeps the first line, hides keys, tokens and credentials, masks phones", () => {
    const text = oneLineError({
      name: "TypeError",
      message:
        "call to +5215550001 failed with xoxb-1234567890-abc and sk-ant-api03-secretsecret at mongodb://user:pw@host/db\n    at f (a.ts:1:1)",
    });
    expect(text).toMatch(/^TypeError: call to \+52\*{7}01 failed/);
    expect(text).not.toMatch(/xoxb-1234|sk-ant-api03|user:pw|a\.ts/);
    expect(oneLineError(undefined)).toBe("unknown error");
    expect(oneLineError({ message: "x".repeat(1_000) }).length).toBeLessThanOrEqual(300);
  });
});

describe("alertCard", () => {
  it("offers Retry for an app event, not for a scheduled run", () => {
    expect(JSON.stringify(alertCard(alert("order/created"), new Date(), "UTC").blocks)).toContain(
      RETRY_ACTION_ID,
    );
    const cron = JSON.stringify(alertCard(alert("inngest/scheduled.timer"), new Date(), "UTC").blocks);
    expect(cron).not.toContain(RETRY_ACTION_ID);
    expect(cron).toContain("cannot be sent again");
  });
});
