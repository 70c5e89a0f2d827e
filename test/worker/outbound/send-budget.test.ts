import { NonRetriableError, RetryAfterError } from "inngest";
import { describe, expect, it } from "vitest";
import { InvalidRecipientError, TransportNotReadyError } from "../../../worker/gateway/transport.js";
import { originForReason } from "../../../worker/outbound/origin.js";
import { notReadyRetryDelayMs, toStepError } from "../../../worker/outbound/step-errors.js";
import { SendBudget } from "../../../worker/outbound/send-budget.js";
import { SendInFlightError } from "../../../worker/outbound/send-once.js";

describe("SendBudget (per-account pacing)", () => {
  it("lets `limit` sends through at once and gives the next ones the slots that free up", () => {
    const budget = new SendBudget(3, 60_000);
    expect([0, 0, 0].map(() => budget.reserve(1_000))).toEqual([0, 0, 0]);
    // Full: the 4th and 5th wait for the 1st and 2nd to leave the window.
    expect(budget.reserve(1_000)).toBe(60_000);
    expect(budget.reserve(2_000)).toBe(59_000);
  });

  it("never allows more than `limit` sends in any window", () => {
    const budget = new SendBudget(2, 10_000);
    const sendTimes: number[] = [];
    for (let now = 0; now < 30_000; now += 700) sendTimes.push(now + budget.reserve(now));
    for (const start of sendTimes) {
      expect(sendTimes.filter((t) => t >= start && t < start + 10_000).length).toBeLessThanOrEqual(2);
    }
  });

  it("is free again after a quiet period", () => {
    const budget = new SendBudget(1, 60_000);
    expect(budget.reserve(0)).toBe(0);
    expect(budget.reserve(0)).toBe(60_000);
    expect(budget.reserve(200_000)).toBe(0);
  });
});

describe("retry semantics of the proactive send", () => {
  it("waits for WhatsApp with growing, capped delays", () => {
    expect([0, 1, 2, 10].map(notReadyRetryDelayMs)).toEqual([10_000, 20_000, 40_000, 300_000]);
    const error = toStepError(new TransportNotReadyError("qr"), 1);
    expect(error).toBeInstanceOf(RetryAfterError);
    expect((error as RetryAfterError).retryAfter).toBe("20"); // seconds, as the SDK sends it
    expect(toStepError(new SendInFlightError("busy"), 0)).toBeInstanceOf(RetryAfterError);
  });

  it("gives up at once on a recipient that can never be reached, and retries anything else", () => {
    expect(toStepError(new InvalidRecipientError("bad number"), 0)).toBeInstanceOf(NonRetriableError);
    const flaky = new Error("socket hang up");
    expect(toStepError(flaky, 0)).toBe(flaky);
  });

  it("files each request under the kind of message it is", () => {
    expect(originForReason("data-collection-nudge")).toBe("nudge");
    expect(originForReason("promos-timeout")).toBe("promos");
    expect(originForReason("order-approved")).toBe("order_notification");
    expect(originForReason("automation")).toBe("automation");
    expect(originForReason("something-else")).toBe("system");
  });
});
