import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clock } from "../../../shared/clock.js";
import { COLLECTIONS } from "../../../shared/db/collections.js";
import type { ConversationDoc, MessageDoc } from "../../../shared/db/index.js";
import type { TestDb } from "./harness.js";
import { nextPhone, openTestDb } from "./harness.js";

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.stop();
});

async function newConversation(accountId = "default"): Promise<ConversationDoc> {
  const phone = nextPhone();
  const { contact } = await t.db.contacts.upsertByPhone({ accountId, phone });
  return (await t.db.conversations.getOrCreate({ accountId, contactId: contact._id, phone })).conversation;
}

function inbound(conversation: ConversationDoc, waMessageId: string, text: string) {
  return {
    accountId: conversation.accountId,
    conversationId: conversation._id,
    contactId: conversation.contactId,
    waMessageId,
    text,
  };
}

function outbound(conversation: ConversationDoc, dedupeKey: string, text = "¿Me compartes tu dirección?") {
  return {
    accountId: conversation.accountId,
    conversationId: conversation._id,
    contactId: conversation.contactId,
    dedupeKey,
    text,
    origin: "nudge" as const,
  };
}

describe("inbound messages", () => {
  it("stores a message delivered twice once and reports the second delivery as a duplicate", async () => {
    const conversation = await newConversation();
    const first = await t.db.messages.recordInbound(inbound(conversation, "wamid.AAA1", "hola"));
    const second = await t.db.messages.recordInbound(inbound(conversation, "wamid.AAA1", "hola"));
    expect(first.status).toBe("new");
    expect(second).toEqual({ status: "duplicate", message: first.message });
    expect(await t.db.messages.listUnprocessedInbound(conversation._id)).toHaveLength(1);
  });

  it("does not touch the conversation on a duplicate delivery (silence timers keep counting)", async () => {
    const conversation = await newConversation();
    const wroteAt = Date.parse("2026-11-21T15:00:00.000Z");
    let now = wroteAt;
    const restore = clock.use(() => now);
    try {
      await t.db.messages.recordInbound(inbound(conversation, "wamid.DUP1", "hola"));
      const before = await t.db.conversations.getById(conversation._id);
      expect(before?.lastInboundAt?.getTime()).toBe(wroteAt);

      now = wroteAt + 5 * 60_000; // WhatsApp redelivers it five minutes later
      const again = await t.db.messages.recordInbound(inbound(conversation, "wamid.DUP1", "hola"));
      expect(again.status).toBe("duplicate");
      const after = await t.db.conversations.getById(conversation._id);
      expect(after?.lastInboundAt?.getTime()).toBe(wroteAt);
      expect(after?.lastSeq).toBe(before?.lastSeq);
      expect(after?.updatedAt.getTime()).toBe(before?.updatedAt.getTime());
    } finally {
      restore();
    }
  });

  it("hands the agent nothing while a message is still waiting for its seq, then everything in order", async () => {
    const conversation = await newConversation();
    await t.db.messages.recordInbound(inbound(conversation, "wamid.S1", "hola"));
    // The state a store interrupted between insert and seq leaves (a crash, or a store in progress).
    const raw = t.mongo.client.db(t.mongo.dbName).collection<Omit<MessageDoc, "seq">>(COLLECTIONS.messages);
    await raw.insertOne({
      _id: "msg_interrupted",
      accountId: conversation.accountId,
      conversationId: conversation._id,
      contactId: conversation.contactId,
      direction: "in",
      kind: "text",
      text: "me llamo Ana",
      waMessageId: "wamid.S2",
      status: "received",
      forwardPending: true,
      at: clock.now(),
    });
    await t.db.messages.recordInbound(inbound(conversation, "wamid.S3", "vivo en León"));

    // The interrupted message's seq is still to come: answering the others now could move the
    // watermark past it.
    expect(await t.db.messages.listUnprocessedInbound(conversation._id)).toEqual([]);
    expect(await t.db.messages.listTurnMessages(conversation._id, 0, 30)).toEqual({
      unprocessed: [],
      recent: [],
    });
    // A redelivery does not take over (nor touch the conversation): the first store announces it.
    const lastSeq = (await t.db.conversations.getById(conversation._id))?.lastSeq;
    const redelivered = await t.db.messages.recordInbound(inbound(conversation, "wamid.S2", "me llamo Ana"));
    expect(redelivered.status).toBe("storing");
    expect((await t.db.conversations.getById(conversation._id))?.lastSeq).toBe(lastSeq);

    // The relay completes it: it gets the next seq, and the agent is handed all three in seq order.
    const [pending] = (
      await t.db.messages.listForwardPending(conversation.accountId, clock.now(), 10)
    ).filter((m) => m._id === "msg_interrupted");
    const completed = await t.db.messages.assignInboundSeq(pending!);
    expect(completed.seq).toBe((lastSeq ?? 0) + 1);
    expect(await t.db.messages.assignInboundSeq(completed)).toEqual(completed);
    expect((await t.db.messages.listUnprocessedInbound(conversation._id)).map((m) => m.text)).toEqual([
      "hola",
      "vivo en León",
      "me llamo Ana",
    ]);
  });

  it("detects duplicates delivered concurrently", async () => {
    const conversation = await newConversation();
    const results = await Promise.all(
      Array.from({ length: 4 }, () =>
        t.db.messages.recordInbound(inbound(conversation, "wamid.RACE", "quiero 2")),
      ),
    );
    expect(results.filter((r) => r.status === "new")).toHaveLength(1);
    expect(new Set(results.map((r) => r.message._id)).size).toBe(1);
  });

  it("scopes WhatsApp ids by account: the same id on another account is another message", async () => {
    const a = await newConversation("default");
    const b = await newConversation("sucursal-2");
    expect((await t.db.messages.recordInbound(inbound(a, "wamid.SAME", "hola"))).status).toBe("new");
    expect((await t.db.messages.recordInbound(inbound(b, "wamid.SAME", "hola"))).status).toBe("new");
  });

  it("hands the agent every message after the watermark, in order, and none before it", async () => {
    const conversation = await newConversation();
    const texts = ["hola", "me llamo Ana", "vivo en León"];
    const recorded = [];
    for (const [i, text] of texts.entries()) {
      recorded.push((await t.db.messages.recordInbound(inbound(conversation, `wamid.W${i}`, text))).message);
    }
    expect((await t.db.messages.listUnprocessedInbound(conversation._id)).map((m) => m.text)).toEqual(texts);
    await t.db.conversations.advanceWatermark(conversation._id, recorded[1]?.seq ?? 0);
    expect((await t.db.messages.listUnprocessedInbound(conversation._id)).map((m) => m.text)).toEqual([
      "vivo en León",
    ]);
    const history = await t.db.messages.listRecent(conversation._id, 2);
    expect(history.map((m) => m.text)).toEqual(["me llamo Ana", "vivo en León"]);
  });

  it("reads a turn in one go: the same new messages and history as the two reads, gaps in the seqs or not", async () => {
    const conversation = await newConversation();
    for (let i = 0; i < 40; i += 1) {
      await t.db.messages.recordInbound(inbound(conversation, `wamid.H${i}`, `pregunta ${i}`));
      await t.db.messages.reserveOutbound({
        ...outbound(conversation, `reply:h:${i}`, `respuesta ${i}`),
        origin: "agent",
      });
      // Seqs reserved and never used (a redelivered batch): gaps below the watermark.
      if (i % 3 === 0) {
        await t.db.conversations.reserveOutboundSeqs(conversation._id, 4, {
          accountId: conversation.accountId,
          to: conversation.phone,
        });
      }
    }
    const watermark = (await t.db.conversations.getById(conversation._id))!.lastSeq;
    await t.db.conversations.advanceWatermark(conversation._id, watermark);
    await t.db.messages.recordInbound(inbound(conversation, "wamid.H-new-1", "¿y el envío?"));
    await t.db.messages.recordInbound(inbound(conversation, "wamid.H-new-2", "¿cuánto tarda?"));
    const texts = (ms: MessageDoc[]) => ms.map((m) => m.text);
    for (const window of [1, 5, 30, 500]) {
      const turn = await t.db.messages.listTurnMessages(conversation._id, watermark, window);
      expect(texts(turn.unprocessed)).toEqual(
        texts(await t.db.messages.listUnprocessedInbound(conversation._id)),
      );
      expect(texts(turn.recent)).toEqual(texts(await t.db.messages.listRecent(conversation._id, window)));
    }
    expect(texts((await t.db.messages.listTurnMessages(conversation._id, watermark, 3)).recent)).toEqual([
      "respuesta 39",
      "¿y el envío?",
      "¿cuánto tarda?",
    ]);
    // Nothing new: nothing to read.
    const last = (await t.db.conversations.getById(conversation._id))!.lastSeq;
    expect(await t.db.messages.listTurnMessages(conversation._id, last, 30)).toEqual({
      unprocessed: [],
      recent: [],
    });
  });

  it("stamps the conversation's last inbound time", async () => {
    const conversation = await newConversation();
    await t.db.messages.recordInbound(inbound(conversation, "wamid.T1", "hola"));
    expect((await t.db.conversations.getById(conversation._id))?.lastInboundAt).toBeInstanceOf(Date);
  });
});

describe("outbound messages", () => {
  it("reserves a dedupe key once: a retried step finds it already sent and does not send again", async () => {
    const conversation = await newConversation();
    const first = await t.db.messages.reserveOutbound(outbound(conversation, `nudge:${conversation._id}:1`));
    expect(first.outcome).toBe("reserved");
    expect(await t.db.messages.markSent(first.message._id, "wamid.OUT1")).toEqual({ ok: true });
    const retry = await t.db.messages.reserveOutbound(outbound(conversation, `nudge:${conversation._id}:1`));
    expect(retry.outcome).toBe("already_sent");
    expect(retry.message).toMatchObject({
      _id: first.message._id,
      status: "sent",
      waMessageId: "wamid.OUT1",
    });
    expect(await t.db.messages.markSent(first.message._id, "wamid.OUT1")).toEqual({ ok: false });
  });

  it("lets exactly one of concurrent reservations send", async () => {
    const conversation = await newConversation();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => t.db.messages.reserveOutbound(outbound(conversation, "promo:once"))),
    );
    expect(results.filter((r) => r.outcome === "reserved")).toHaveLength(1);
    expect(results.filter((r) => r.outcome === "in_flight")).toHaveLength(3);
  });

  it("after a transport failure, gives the next attempt (only one) the right to retry", async () => {
    const conversation = await newConversation();
    const first = await t.db.messages.reserveOutbound(outbound(conversation, "order-approved:ORD-1"));
    expect(await t.db.messages.markFailed(first.message._id, "transport not ready")).toEqual({ ok: true });
    const [a, b] = await Promise.all([
      t.db.messages.reserveOutbound(outbound(conversation, "order-approved:ORD-1")),
      t.db.messages.reserveOutbound(outbound(conversation, "order-approved:ORD-1")),
    ]);
    expect([a.outcome, b.outcome].sort()).toEqual(["in_flight", "retry"]);
    const retry = a.outcome === "retry" ? a : b;
    expect(retry.message).toMatchObject({ status: "pending", attempts: 2, lastError: "transport not ready" });
    await t.db.messages.markSent(retry.message._id);
    expect((await t.db.messages.getByDedupeKey(conversation.accountId, "order-approved:ORD-1"))?.status).toBe(
      "sent",
    );
  });

  it("records a batch in one go with consecutive seqs; a key recorded before is reported taken, not doubled", async () => {
    const conversation = await newConversation();
    await t.db.messages.reserveOutbound({ ...outbound(conversation, "reply:b:1", "uno"), origin: "agent" });
    const seqs = await t.db.conversations.reserveOutboundSeqs(conversation._id, 3, {
      accountId: conversation.accountId,
      to: conversation.phone,
    });
    expect(seqs).toEqual({ firstSeq: 2, contactId: conversation.contactId });
    const batch = await t.db.messages.reserveOutboundBatch({
      accountId: conversation.accountId,
      conversationId: conversation._id,
      contactId: conversation.contactId,
      origin: "agent",
      firstSeq: seqs!.firstSeq,
      messages: [
        { dedupeKey: "reply:b:0", text: "cero" },
        { dedupeKey: "reply:b:1", text: "uno otra vez" },
        { dedupeKey: "reply:b:2", text: "dos" },
      ],
    });
    expect(batch.map((b) => b.outcome)).toEqual(["reserved", "taken", "reserved"]);
    const history = await t.db.messages.listRecent(conversation._id, 10);
    expect(history.map((m) => [m.seq, m.text, m.status])).toEqual([
      [1, "uno", "pending"],
      [2, "cero", "pending"],
      [4, "dos", "pending"],
    ]);
  });

  it("settles a batch in one write: sent, failed, and the unsent ones removed", async () => {
    const conversation = await newConversation();
    const seqs = await t.db.conversations.reserveOutboundSeqs(conversation._id, 3, {
      accountId: conversation.accountId,
      to: conversation.phone,
    });
    const batch = await t.db.messages.reserveOutboundBatch({
      accountId: conversation.accountId,
      conversationId: conversation._id,
      contactId: conversation.contactId,
      origin: "agent",
      firstSeq: seqs!.firstSeq,
      messages: ["a", "b", "c"].map((x) => ({ dedupeKey: `reply:s:${x}`, text: x })),
    });
    const [a, b, c] = batch.map((r) => (r.outcome === "reserved" ? r.message._id : ""));
    await t.db.messages.settleOutbound({
      sent: [{ messageId: a!, waMessageId: "wamid.S1" }],
      failed: { messageId: b!, error: "WhatsApp not ready" },
      unsent: [c!],
    });
    const stored = await t.db.messages.listByDedupeKeys(conversation.accountId, [
      "reply:s:a",
      "reply:s:b",
      "reply:s:c",
    ]);
    expect(stored.map((m) => [m.dedupeKey, m.status, m.waMessageId ?? null]).sort()).toEqual([
      ["reply:s:a", "sent", "wamid.S1"],
      ["reply:s:b", "failed", null],
    ]);
    // The failed one may be retried, by one attempt only.
    expect((await t.db.messages.reserveOutbound(outbound(conversation, "reply:s:b", "b"))).outcome).toBe(
      "retry",
    );
  });

  it("reserves seqs only for the conversation's own account and phone, and not for an opted-out contact", async () => {
    const conversation = await newConversation();
    const expected = { accountId: conversation.accountId, to: conversation.phone };
    expect(
      await t.db.conversations.reserveOutboundSeqs(conversation._id, 1, { ...expected, accountId: "other" }),
    ).toBeNull();
    expect(
      await t.db.conversations.reserveOutboundSeqs(conversation._id, 1, { ...expected, to: "+15550000000" }),
    ).toBeNull();
    await t.db.conversations.optOut(conversation._id);
    expect(await t.db.conversations.reserveOutboundSeqs(conversation._id, 1, expected)).toBeNull();
    expect(
      await t.db.conversations.reserveOutboundSeqs(conversation._id, 2, {
        ...expected,
        evenIfOptedOut: true,
      }),
    ).toEqual({ firstSeq: 1, contactId: conversation.contactId });
    expect((await t.db.conversations.getById(conversation._id))?.lastSeq).toBe(2);
  });

  it("keeps inbound and outbound in one conversation order", async () => {
    const conversation = await newConversation();
    await t.db.messages.recordInbound(inbound(conversation, "wamid.O1", "hola"));
    await t.db.messages.reserveOutbound({
      ...outbound(conversation, "reply:1", "¡Hola! ¿Cómo te llamas?"),
      origin: "agent",
    });
    await t.db.messages.recordInbound(inbound(conversation, "wamid.O2", "Ana"));
    const history = await t.db.messages.listRecent(conversation._id, 10);
    expect(history.map((m) => [m.direction, m.text])).toEqual([
      ["in", "hola"],
      ["out", "¡Hola! ¿Cómo te llamas?"],
      ["in", "Ana"],
    ]);
  });
});
