import { NonRetriableError, RetryAfterError } from "inngest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestMongo, type TestMongo } from "../../support/mongo.js";
import { InvalidRecipientError, TransportNotReadyError } from "../../../worker/gateway/transport.js";
import { originForReason } from "../../../worker/outbound/origin.js";
import { notReadyRetryDelayMs, toStepError } from "../../../worker/outbound/step-errors.js";
import { SendBudget } from "../../../worker/outbound/send-budget.js";
import { SendInFlightError } from "../../../worker/outbound/send-once.js";

let mongo: TestMongo;
let n = 0;
/** A budget on its own account, so the tests share no windows. */
function budget(perRecipient: number, perAccount: number, periodMs = 60_000) {
  n += 1;
  return {
    account: `acct-${n}`,
    b: new SendBudget(mongo.client.db(mongo.dbName), { perRecipient, perAccount, periodMs }),
  };
}

beforeAll(async () => {
  mongo = await startTestMongo();
});
afterAll(async () => {
  await mongo?.stop();
});

describe("SendBudget (MongoDB, checked at send time)", () => {
  it("gives a recipient `perRecipient` slots per window and says when the next one frees up", async () => {
    const { account, b } = budget(3, 100);
    const taken = [];
    for (let i = 0; i < 4; i += 1) taken.push(await b.take(account, "+5215550001", `k${i}`, 1_000 + i));
    expect(taken.slice(0, 3)).toEqual([{ ok: true }, { ok: true }, { ok: true }]);
    // Full: the 4th waits until the 1st leaves the window.
    expect(taken[3]).toEqual({ ok: false, retryAtMs: 61_001 });
    expect(await b.take(account, "+5215550001", "k4", 61_001)).toEqual({ ok: true });
    // Another recipient has its own window.
    expect(await b.take(account, "+5215550002", "k5", 1_010)).toEqual({ ok: true });
  });

  it("holds the account limit across recipients and gives back the recipient's slot when it is full", async () => {
    const { account, b } = budget(5, 2);
    expect(await b.take(account, "+5215550011", "a", 0)).toEqual({ ok: true });
    expect(await b.take(account, "+5215550012", "b", 0)).toEqual({ ok: true });
    expect(await b.take(account, "+5215550013", "c", 10)).toEqual({ ok: false, retryAtMs: 60_001 });
    // The refused send did not use up the recipient's window.
    for (let i = 0; i < 5; i += 1) {
      expect((await b.take(account, "+5215550013", `c${i}`, 60_001 + i)).ok).toBe(i < 2);
    }
  });

  it("never lets more than the limit through in any window, even with many senders at once", async () => {
    const { account, b } = budget(4, 1_000, 10_000);
    const sendTimes: number[] = [];
    for (let now = 0; now < 30_000; now += 500) {
      const results = await Promise.all(
        [0, 1, 2].map((i) => b.take(account, "+5215550021", `t${now}-${i}`, now)),
      );
      for (const r of results) if (r.ok) sendTimes.push(now);
    }
    expect(sendTimes.length).toBeGreaterThan(8);
    for (const start of sendTimes) {
      expect(sendTimes.filter((t) => t >= start && t < start + 10_000).length).toBeLessThanOrEqual(4);
    }
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
