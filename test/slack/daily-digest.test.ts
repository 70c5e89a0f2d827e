// The daily digest through the cron on the engine clock: a seeded business day's numbers, posted in
// the sales channel at DIGEST_TIME the next day; a day without activity says so in one line.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zonedTimeToUtc, localDay } from "../../shared/domain/business-hours.js";
import { COLLECTIONS } from "../../shared/db/index.js";
import { eventually, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

const TZ = "America/Mexico_City";
const HOUR = 3_600_000;
const MINUTE = 60_000;

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness({ env: { DIGEST_TIME: "09:00", BUSINESS_TIMEZONE: TZ } });
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function engineNow(): Promise<number> {
  const answer = (await (await fetch(`${h.engine.url}/clock`)).json()) as { now: string };
  return Date.parse(answer.now);
}

function dayParts(ms: number) {
  const [year, month, day] = localDay(new Date(ms), TZ).split("-").map(Number) as [number, number, number];
  return { year, month, day };
}

async function digests(): Promise<string[]> {
  return (await h.workspace.messages("sales")).map((m) => m.text).filter((t) => t.includes("Daily digest"));
}

describe("the daily digest", () => {
  it("posts yesterday's figures at DIGEST_TIME, and one line for a day without activity", async () => {
    const now = await engineNow();
    // The seeded day is the business day after the engine's today; the digest comes the day after.
    const today = dayParts(now);
    const seededStart = zonedTimeToUtc({ ...today, day: today.day + 1 }, 0, TZ);
    const seededDay = localDay(new Date(seededStart + HOUR), TZ);
    const digestAt = zonedTimeToUtc({ ...today, day: today.day + 2 }, 9 * 60, TZ);
    const at = (hours: number) => new Date(seededStart + hours * HOUR);

    const db = h.db.db;
    await db.collection(COLLECTIONS.contacts).insertMany([
      { _id: "ct_d1" as never, accountId: "default", phone: "+5215559990001", createdAt: at(9) },
      { _id: "ct_d2" as never, accountId: "default", phone: "+5215559990002", createdAt: at(10) },
      // the day before: not counted
      { _id: "ct_d0" as never, accountId: "default", phone: "+5215559990000", createdAt: at(-2) },
    ]);
    await db.collection(COLLECTIONS.messages).insertMany([
      {
        _id: "m_d1" as never,
        accountId: "default",
        waMessageId: "wa_m_d1",
        dedupeKey: "k_m_d1",
        conversationId: "cv_d1",
        direction: "in",
        text: "hola",
        at: at(9),
      },
      {
        _id: "m_d2" as never,
        accountId: "default",
        waMessageId: "wa_m_d2",
        dedupeKey: "k_m_d2",
        conversationId: "cv_d1",
        direction: "out",
        text: "¡Hola!",
        at: at(9.1),
      },
      {
        _id: "m_d3" as never,
        accountId: "default",
        waMessageId: "wa_m_d3",
        dedupeKey: "k_m_d3",
        conversationId: "cv_d2",
        direction: "in",
        text: "hola",
        at: at(10),
      },
      {
        _id: "m_d4" as never,
        accountId: "default",
        waMessageId: "wa_m_d4",
        dedupeKey: "k_m_d4",
        conversationId: "cv_d3",
        direction: "in",
        text: "hola",
        at: at(-3),
      },
    ]);
    const order = (id: string, status: string, totalMinor: number, created: number, decided?: number) => ({
      _id: id as never,
      conversationId: `cv_${id}`,
      status,
      totalMinor,
      currency: "MXN",
      createdAt: at(created),
      ...(decided !== undefined ? { decidedAt: at(decided) } : {}),
    });
    await db.collection(COLLECTIONS.orders).insertMany([
      order("o_d1", "approved", 99_800, 9, 9.5), // 30 min to decide
      order("o_d2", "approved", 49_900, 10, 11), // 60 min
      order("o_d3", "rejected", 149_700, 11, 13), // 120 min
      order("o_d4", "expired", 49_900, -20, 4), // created the day before, expired this day
    ]);
    await db.collection(COLLECTIONS.usageDaily).insertOne({
      _id: seededDay as never,
      calls: 4,
      inputTokens: 10_000,
      outputTokens: 2_000,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      costMicroUsd: 60_000,
    });
    await db.collection(COLLECTIONS.automationExecutions).insertMany([
      {
        _id: "ex_d1" as never,
        automationId: "aut_d",
        triggerEventId: "ev_d1",
        status: "succeeded",
        startedAt: at(9),
      },
      {
        _id: "ex_d2" as never,
        automationId: "aut_d",
        triggerEventId: "ev_d2",
        status: "failed",
        startedAt: at(10),
      },
      {
        _id: "ex_d3" as never,
        automationId: "aut_d",
        triggerEventId: "ev_d3",
        status: "not_matched",
        startedAt: at(10),
      },
    ]);
    await db.collection(COLLECTIONS.handoffThreads).insertOne({
      _id: "cv_d2:3" as never,
      conversationId: "cv_d2",
      episode: 3,
      startedAt: at(12),
    });

    const before = (await digests()).length;
    await h.engine.advance(digestAt - now + MINUTE);
    await h.engine.settle();
    const text = await eventually(
      async () => (await digests()).slice(before).find((t) => t.includes(seededDay)),
      20_000,
      "the digest of the seeded day",
    );
    expect(text).toContain("Conversations: 2 · new contacts: 2");
    expect(text).toContain("created 3 ($2,994.00 MXN)");
    expect(text).toContain("approved 2 ($1,497.00 MXN)");
    expect(text).toContain("rejected 1 ($1,497.00 MXN)");
    expect(text).toContain("expired 1 ($499.00 MXN)");
    expect(text).toContain("Median time to decision: 1h");
    expect(text).toContain("Handoffs to a person: 1");
    expect(text).toContain("12,000 tokens, US$0.06 (US$0.02 per order)");
    expect(text).toContain("Automation runs: 2 · failures: 1");

    // The next day nothing happened: one line.
    await h.engine.advance(24 * HOUR);
    await h.engine.settle();
    const quiet = await eventually(
      async () => (await digests()).find((t) => t.includes("no activity")),
      20_000,
      "the quiet day's digest",
    );
    expect(quiet.split("\n")).toHaveLength(1);
  }, 90_000);
});
