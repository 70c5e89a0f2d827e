// Proactive sends queued at night go out paced at opening: 25 automated messages and a nudge for one
// customer, requested while the business is closed, wake up together at the opening; the send-time
// budget lets at most WHATSAPP_PROACTIVE_PER_MINUTE of them reach the phone in any minute.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clock } from "../../../shared/clock.js";
import { nextOpening } from "../../../shared/domain/business-hours.js";
import { nextPhone, startHarness, type Harness } from "../support/worker-harness.js";

const PER_MINUTE = 10;
const MINUTE = 60_000;

let h: Harness;
let restoreClock: () => void;

beforeAll(async () => {
  h = await startHarness();
  // The product's clock follows the engine's, as in `npm start`, so moving it opens the business.
  restoreClock = clock.use(() => h.engine.nowMs());
});
afterAll(async () => {
  restoreClock?.();
  await h?.stop();
});

/** The most sends that fall in any window of `windowMs` starting at a send. */
function busiestWindow(times: number[], windowMs: number): number {
  return Math.max(0, ...times.map((start) => times.filter((t) => t >= start && t < start + windowMs).length));
}

describe("proactive sends queued at night", () => {
  it("never burst at opening: at most the per-recipient limit per minute", async () => {
    const openHour = (new Date(h.engine.nowMs()).getUTCHours() + 2) % 24;
    const hh = (n: number) => String(n).padStart(2, "0");
    const worker = await h.startWorker("night", {
      BUSINESS_TIMEZONE: "UTC",
      BUSINESS_HOURS: `${hh(openHour)}:00-${hh(openHour + 1)}:00`,
      BUSINESS_DAYS: "sun-sat",
      WHATSAPP_PROACTIVE_PER_MINUTE: String(PER_MINUTE),
      DATA_COLLECTION_MAX_NUDGES: "0",
    });
    const phone = nextPhone();
    await worker.phones.receive({ from: phone, text: "hola" });
    await h.engine.settle();
    const conversation = await h.db.conversations.findByPhone("night", phone);
    if (!conversation) throw new Error("conversation not created");
    const replies = worker.phones.outbound(phone).length;
    const request = (dedupeKey: string, reason: string, text: string) => ({
      name: "whatsapp/message.send-requested",
      data: { accountId: "night", conversationId: conversation._id, to: phone, text, dedupeKey, reason },
    });
    await h.sendEvents([
      ...Array.from({ length: 25 }, (_, i) => request(`automation:night:${i}`, "automation", `promo ${i}`)),
      request("nudge:night:1", "data-collection-nudge", "¿Sigues ahí?"),
    ]);
    await h.engine.settle();
    // Closed: nothing proactive goes out at night, however long the queue waits.
    for (let i = 0; i < 5; i += 1) await h.engine.advance(10 * MINUTE);
    expect(worker.phones.outbound(phone)).toHaveLength(replies);

    const opening = nextOpening(new Date(h.engine.nowMs()), {
      timezone: "UTC",
      hours: worker.config.business.hours,
      days: worker.config.business.days,
    }).getTime();
    await h.engine.advance(opening - h.engine.nowMs() + 1_000);
    // Then a few minutes of the working day, in small steps.
    for (let s = 0; s < 40; s += 1) await h.engine.advance(10_000);

    const proactive = worker.phones.outbound(phone).filter((m) => !m.dedupeKey.startsWith("reply:"));
    expect(proactive).toHaveLength(26);
    const times = proactive.map((m) => Date.parse(m.at));
    expect(Math.min(...times)).toBeGreaterThanOrEqual(opening);
    expect(busiestWindow(times, MINUTE)).toBeLessThanOrEqual(PER_MINUTE);
    // Paced, not dribbled: the first minute after opening uses the whole allowance.
    expect(times.filter((t) => t < opening + MINUTE).length).toBe(PER_MINUTE);
  }, 120_000);
});
