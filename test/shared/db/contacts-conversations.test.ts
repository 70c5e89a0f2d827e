import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLLECTIONS } from "../../../shared/db/index.js";
import type { TestDb } from "./harness.js";
import { nextPhone, openTestDb } from "./harness.js";

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.stop();
});

describe("contacts", () => {
  it("keeps one contact per account and phone, even when first messages arrive at once", async () => {
    const phone = nextPhone();
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        // Whether the caller expects to create it or not.
        t.db.contacts.upsertByPhone(
          { accountId: "default", phone, profileName: "Ana" },
          { likelyNew: i % 2 === 0 },
        ),
      ),
    );
    const again = await t.db.contacts.upsertByPhone({ accountId: "default", phone }, { likelyNew: true });
    expect(again).toMatchObject({
      created: false,
      contact: { _id: results[0]?.contact._id, profileName: "Ana" },
    });
    expect(new Set(results.map((r) => r.contact._id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(
      await t.mongo.client.db(t.mongo.dbName).collection(COLLECTIONS.contacts).countDocuments({ phone }),
    ).toBe(1);
  });

  it("refuses a second document with the same account and phone at the database level", async () => {
    const phone = nextPhone();
    await t.db.contacts.upsertByPhone({ accountId: "default", phone });
    const raw = t.mongo.client.db(t.mongo.dbName).collection(COLLECTIONS.contacts);
    await expect(
      raw.insertOne({ _id: "ct_manual" as never, accountId: "default", phone, tags: [] }),
    ).rejects.toMatchObject({
      code: 11000,
    });
  });

  it("treats the same phone on another WhatsApp account as another contact", async () => {
    const phone = nextPhone();
    const a = await t.db.contacts.upsertByPhone({ accountId: "default", phone });
    const b = await t.db.contacts.upsertByPhone({ accountId: "sucursal-2", phone });
    expect(a.contact._id).not.toBe(b.contact._id);
    expect(b.created).toBe(true);
  });

  it("rejects a phone that is not E.164", async () => {
    await expect(t.db.contacts.upsertByPhone({ accountId: "default", phone: "5512345678" })).rejects.toThrow(
      /E\.164/,
    );
  });

  it("adds a tag once and says when nothing changed", async () => {
    const { contact } = await t.db.contacts.upsertByPhone({ accountId: "default", phone: nextPhone() });
    expect(await t.db.contacts.addTag(contact._id, "VIP")).toEqual({ changed: true });
    expect(await t.db.contacts.addTag(contact._id, "vip")).toEqual({ changed: false });
    expect((await t.db.contacts.getById(contact._id))?.tags).toEqual(["vip"]);
    expect(await t.db.contacts.removeTag(contact._id, "vip")).toEqual({ changed: true });
    expect(await t.db.contacts.removeTag(contact._id, "vip")).toEqual({ changed: false });
  });
});

async function newConversation() {
  const phone = nextPhone();
  const { contact } = await t.db.contacts.upsertByPhone({ accountId: "default", phone });
  const { conversation } = await t.db.conversations.getOrCreate({
    accountId: "default",
    contactId: contact._id,
    phone,
  });
  return conversation;
}

describe("conversations", () => {
  it("has exactly one conversation per contact and account", async () => {
    const phone = nextPhone();
    const { contact } = await t.db.contacts.upsertByPhone({ accountId: "default", phone });
    const results = await Promise.all(
      Array.from({ length: 4 }, (_, i) =>
        // Whether the caller expects to create it or not.
        t.db.conversations.getOrCreate(
          { accountId: "default", contactId: contact._id, phone },
          { likelyNew: i % 2 === 0 },
        ),
      ),
    );
    const again = await t.db.conversations.getOrCreate(
      { accountId: "default", contactId: contact._id, phone },
      { likelyNew: true },
    );
    expect(again).toEqual({ conversation: results[0]?.conversation, created: false });
    expect(new Set(results.map((r) => r.conversation._id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(results[0]?.conversation).toMatchObject({
      mode: "greeting",
      episode: 0,
      optedOut: false,
      processedSeq: 0,
    });
  });

  it("changes mode only from the expected mode and tells the loser the current one", async () => {
    const conversation = await newConversation();
    const [a, b] = await Promise.all([
      t.db.conversations.setMode(conversation._id, "greeting", "collecting_data"),
      t.db.conversations.setMode(conversation._id, "greeting", "handoff"),
    ]);
    const winners = [a, b].filter((r) => r?.ok);
    expect(winners).toHaveLength(1);
    const loser = [a, b].find((r) => !r?.ok);
    const winnerMode = winners[0]?.ok ? winners[0].conversation.mode : undefined;
    expect(loser).toEqual({ ok: false, reason: "mode_changed", current: winnerMode });
    expect((await t.db.conversations.getById(conversation._id))?.episode).toBe(1);
  });

  it("with an expected episode, never undoes a mode change made since that episode", async () => {
    const conversation = await newConversation();
    await t.db.conversations.setMode(conversation._id, "greeting", "collecting_data"); // episode 1
    await t.db.conversations.setMode(conversation._id, "collecting_data", "promos"); // episode 2
    await t.db.conversations.setMode(conversation._id, "promos", "collecting_data"); // episode 3
    await t.db.conversations.setMode(conversation._id, "collecting_data", "promos"); // episode 4
    // Same mode as at episode 2, but another stay in it: a timer of episode 2 must not move it.
    expect(
      await t.db.conversations.setMode(conversation._id, "promos", "awaiting_approval", {
        expectedEpisode: 2,
      }),
    ).toEqual({ ok: false, reason: "mode_changed", current: "promos" });
    const moved = await t.db.conversations.setMode(conversation._id, "promos", "awaiting_approval", {
      expectedEpisode: 4,
    });
    expect(moved).toMatchObject({ ok: true, conversation: { mode: "awaiting_approval", episode: 5 } });
  });

  it("refuses transitions the sales path does not allow", async () => {
    const conversation = await newConversation();
    expect(await t.db.conversations.setMode(conversation._id, "greeting", "awaiting_approval")).toEqual({
      ok: false,
      reason: "invalid_transition",
      from: "greeting",
      to: "awaiting_approval",
    });
    expect(await t.db.conversations.setMode("cv_missing", "greeting", "promos")).toEqual({
      ok: false,
      reason: "not_found",
    });
  });

  it("opts out from any mode and back in to the previous mode", async () => {
    const conversation = await newConversation();
    await t.db.conversations.setMode(conversation._id, "greeting", "collecting_data");
    const out = await t.db.conversations.optOut(conversation._id);
    expect(out.changed).toBe(true);
    expect(out.conversation).toMatchObject({
      mode: "opted_out",
      optedOut: true,
      modeBeforeOptOut: "collecting_data",
    });
    expect((await t.db.conversations.optOut(conversation._id)).changed).toBe(false);
    expect((await t.db.conversations.setMode(conversation._id, "opted_out", "greeting")).ok).toBe(false);
    const back = await t.db.conversations.optIn(conversation._id);
    expect(back.changed).toBe(true);
    expect(back.conversation).toMatchObject({ mode: "collecting_data", optedOut: false });
    expect(back.conversation?.modeBeforeOptOut).toBeUndefined();
  });

  it("stores valid customer data and returns the invalid fields to re-ask", async () => {
    const conversation = await newConversation();
    const result = await t.db.conversations.saveCollected(conversation._id, {
      name: "Luis Pérez",
      phone: "12345",
      city: "Monterrey",
    });
    expect(result.accepted.sort()).toEqual(["city", "name"]);
    expect(result.rejected.map((r) => r.field)).toEqual(["phone"]);
    expect(result.conversation?.collected).toEqual({ name: "Luis Pérez", city: "Monterrey" });
  });

  it("moves the watermark forward only", async () => {
    const conversation = await newConversation();
    expect(await t.db.conversations.advanceWatermark(conversation._id, 5)).toEqual({
      advanced: true,
      processedSeq: 5,
    });
    expect(await t.db.conversations.advanceWatermark(conversation._id, 3)).toEqual({
      advanced: false,
      processedSeq: 5,
    });
    expect(await t.db.conversations.advanceWatermark(conversation._id, 5)).toEqual({
      advanced: false,
      processedSeq: 5,
    });
  });

  it("accumulates token usage and cost, restarting the daily cost on a new day", async () => {
    const conversation = await newConversation();
    const usage = { inputTokens: 1000, outputTokens: 200, cacheReadTokens: 800 };
    await t.db.conversations.recordUsage(
      conversation._id,
      usage,
      { costMicroUsd: 1500, day: "2026-11-21" },
      1,
    );
    const day1 = await t.db.conversations.recordUsage(
      conversation._id,
      usage,
      { costMicroUsd: 1500, day: "2026-11-21" },
      2,
    );
    expect(day1).toMatchObject({
      calls: 2,
      inputTokens: 2000,
      cacheReadTokens: 1600,
      costMicroUsd: 3000,
      dayCostMicroUsd: 3000,
    });
    const day2 = await t.db.conversations.recordUsage(
      conversation._id,
      usage,
      { costMicroUsd: 700, day: "2026-11-22" },
      3,
    );
    expect(day2).toMatchObject({ calls: 3, costMicroUsd: 3700, day: "2026-11-22", dayCostMicroUsd: 700 });
  });

  it("counts a turn's usage once when the step that records it is retried", async () => {
    const conversation = await newConversation();
    const usage = { inputTokens: 1000, outputTokens: 200 };
    const cost = { costMicroUsd: 1500, day: "2026-11-21" };
    const first = await t.db.conversations.recordUsage(conversation._id, usage, cost, 4);
    // The retry (same turn) and a late one for an older turn change nothing.
    const retried = await t.db.conversations.recordUsage(conversation._id, usage, cost, 4);
    await t.db.conversations.recordUsage(conversation._id, usage, { ...cost, day: "2026-11-22" }, 3);
    expect(retried).toEqual(first);
    const stored = (await t.db.conversations.getById(conversation._id))?.usage;
    expect(stored).toMatchObject({
      calls: 1,
      inputTokens: 1000,
      costMicroUsd: 1500,
      day: "2026-11-21",
      dayCostMicroUsd: 1500,
    });
    // The next turn counts.
    const next = await t.db.conversations.recordUsage(conversation._id, usage, cost, 7);
    expect(next).toMatchObject({ calls: 2, inputTokens: 2000, dayCostMicroUsd: 3000 });
  });

  it("caps proactive nudges per mode", async () => {
    const conversation = await newConversation();
    await t.db.conversations.setMode(conversation._id, "greeting", "collecting_data");
    expect(await t.db.conversations.recordNudge(conversation._id, "data_collection", 2, 1)).toEqual({
      ok: true,
      count: 1,
    });
    expect(await t.db.conversations.recordNudge(conversation._id, "data_collection", 2, 2)).toEqual({
      ok: true,
      count: 2,
    });
    expect(await t.db.conversations.recordNudge(conversation._id, "data_collection", 2, 3)).toEqual({
      ok: false,
      reason: "limit_reached",
      count: 2,
    });
    // A new mode starts a new count.
    await t.db.conversations.setMode(conversation._id, "collecting_data", "promos");
    await t.db.conversations.setMode(conversation._id, "promos", "collecting_data");
    expect(await t.db.conversations.recordNudge(conversation._id, "data_collection", 2, 1)).toEqual({
      ok: true,
      count: 1,
    });
  });

  it("counts the same nudge once when its step is retried, even concurrently", async () => {
    const conversation = await newConversation();
    await t.db.conversations.setMode(conversation._id, "greeting", "collecting_data");
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        t.db.conversations.recordNudge(conversation._id, "data_collection", 2, 1),
      ),
    );
    expect(results).toEqual(Array(4).fill({ ok: true, count: 1 }));
    expect((await t.db.conversations.getById(conversation._id))?.nudges).toEqual({ data_collection: 1 });
    // So the second nudge is still allowed, and only then the cap is reached.
    expect(await t.db.conversations.recordNudge(conversation._id, "data_collection", 2, 2)).toEqual({
      ok: true,
      count: 2,
    });
    expect((await t.db.conversations.getById(conversation._id))?.nudges).toEqual({ data_collection: 2 });
  });
});
