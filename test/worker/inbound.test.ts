// Inbound pipeline through the real stack: simulated phones → worker → embedded MongoDB → local
// Inngest engine (real SDK) → an observer app that sees each accepted event once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { COLLECTIONS } from "../../shared/db/index.js";
import type { MessageDoc } from "../../shared/db/index.js";
import { normalizeInbound, TRUNCATION_MARKER } from "../../worker/gateway/normalize.js";
import type { InboundMessage } from "../../worker/gateway/transport.js";
import { toRawWaMessage } from "../../worker/gateway/wwebjs/message.js";
import { waMessage } from "./gateway/wwebjs/fake-client.js";
import type { PublishedEvent } from "../../worker/gateway/event-publisher.js";
import {
  eventually,
  nextPhone,
  startHarness,
  type Harness,
  type TestWorker,
} from "./support/worker-harness.js";

let h: Harness;
let worker: TestWorker;

beforeAll(async () => {
  h = await startHarness();
  worker = await h.startWorker("default");
});
afterAll(async () => {
  await h.stop();
});

const received = (messageId: string) =>
  h.observed.filter((e) => e.name === "whatsapp/message.received" && e.data["messageId"] === messageId);

async function storedInbound(waMessageId: string): Promise<MessageDoc[]> {
  return h.db.db
    .collection<MessageDoc>(COLLECTIONS.messages)
    .find({ accountId: "default", direction: "in", waMessageId })
    .toArray();
}

async function postMessage(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${worker.url}/sandbox/whatsapp/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}

describe("a customer message", () => {
  it("delivered twice by WhatsApp is stored once and becomes exactly one event", async () => {
    const phone = nextPhone();
    const body = { from: phone, text: "hola, ¿tienen envíos?", name: "Ana", id: "wamid.TWICE-1" };
    expect((await postMessage(body)).status).toBe(202);
    expect((await postMessage(body)).status).toBe(202);

    const [event] = await eventually(() =>
      received("wamid.TWICE-1").length > 0 ? received("wamid.TWICE-1") : undefined,
    );
    expect(event).toMatchObject({
      id: "wa:default:wamid.TWICE-1",
      data: { accountId: "default", phone, name: "Ana", text: "hola, ¿tienen envíos?", type: "text" },
    });
    await h.engine.settle();
    expect(received("wamid.TWICE-1")).toHaveLength(1);

    const stored = await storedInbound("wamid.TWICE-1");
    expect(stored).toHaveLength(1);
    expect(stored[0]?.forwardPending).toBeUndefined();
    const conversation = await h.db.conversations.findByPhone("default", phone);
    expect(event?.data["conversationId"]).toBe(conversation?._id);
    expect(event?.data["contactId"]).toBe(conversation?.contactId);
  });

  it("of 5,000 characters is stored and forwarded as text, cut at 4,096 with a marker", async () => {
    const text = "a".repeat(5_000);
    await worker.phones.receive({ from: nextPhone(), text, id: "wamid.LONG-1" });
    const [event] = await eventually(() =>
      received("wamid.LONG-1").length ? received("wamid.LONG-1") : undefined,
    );
    const forwarded = String(event?.data["text"]);
    expect(forwarded).toHaveLength(4_096);
    expect(forwarded.endsWith(TRUNCATION_MARKER)).toBe(true);
    const [stored] = await storedInbound("wamid.LONG-1");
    expect(stored?.text).toBe(forwarded);
  });

  it('of {"$gt": ""} is stored and forwarded as that exact text, not a query', async () => {
    const text = '{"$gt": ""}';
    const phone = nextPhone();
    await worker.phones.receive({ from: phone, text, id: "wamid.INJECT-1" });
    const [event] = await eventually(() =>
      received("wamid.INJECT-1").length ? received("wamid.INJECT-1") : undefined,
    );
    expect(event?.data["text"]).toBe(text);
    const [stored] = await storedInbound("wamid.INJECT-1");
    expect(stored?.text).toBe(text);
    const conversation = await h.db.conversations.findByPhone("default", phone);
    expect(await h.db.messages.listRecent(conversation!._id, 10)).toHaveLength(1);
  });

  it("is not lost while the engine refuses events: the relay announces it later, once", async () => {
    // A second worker whose event sender fails, as inngest.send does while the engine is down.
    let engineDown = true;
    const flaky = await h.startWorker(
      "flaky",
      {},
      {
        events: {
          send: async (event: PublishedEvent) => {
            if (engineDown) throw new TypeError("fetch failed");
            const res = await fetch(`${h.engine.url}/e/test-key`, {
              method: "POST",
              body: JSON.stringify([event]),
            });
            if (!res.ok) throw new Error(`engine answered ${res.status}`);
            return res.json();
          },
        },
      },
    );
    const phone = nextPhone();
    await flaky.phones.receive({ from: phone, text: "¿siguen abiertos?", id: "wamid.DOWN-1" });

    const [stored] = await h.db.db
      .collection<MessageDoc>(COLLECTIONS.messages)
      .find({ accountId: "flaky", waMessageId: "wamid.DOWN-1" })
      .toArray();
    expect(stored?.text).toBe("¿siguen abiertos?");
    expect(stored?.forwardPending).toBe(true);

    // Still down: the relay tries and keeps it.
    expect(await flaky.app.relay.runOnce(0)).toEqual({ announced: 0, failed: true });

    engineDown = false;
    expect(await flaky.app.relay.runOnce(0)).toEqual({ announced: 1, failed: false });
    const events = await eventually(() =>
      received("wamid.DOWN-1").length ? received("wamid.DOWN-1") : undefined,
    );
    expect(events[0]?.id).toBe("wa:flaky:wamid.DOWN-1");

    // WhatsApp delivers it once more after recovery: stored and announced already, nothing new.
    await flaky.phones.receive({ from: phone, text: "¿siguen abiertos?", id: "wamid.DOWN-1" });
    expect(await flaky.app.relay.runOnce(0)).toEqual({ announced: 0, failed: false });
    await h.engine.settle();
    expect(received("wamid.DOWN-1")).toHaveLength(1);
  });

  it("stored before a crash (announcement never sent) is announced when WhatsApp delivers it again", async () => {
    const phone = nextPhone();
    // The state a crash between "store" and "send" leaves: stored, flag still set, no event.
    const { contact } = await h.db.contacts.upsertByPhone({ accountId: "default", phone });
    const { conversation } = await h.db.conversations.getOrCreate({
      accountId: "default",
      contactId: contact._id,
      phone,
    });
    await h.db.messages.recordInbound({
      accountId: "default",
      conversationId: conversation._id,
      contactId: contact._id,
      waMessageId: "wamid.CRASH-1",
      text: "quiero 2 cajas",
    });

    await worker.phones.receive({ from: phone, text: "quiero 2 cajas", id: "wamid.CRASH-1" });
    await eventually(() => (received("wamid.CRASH-1").length ? true : undefined));
    expect(await storedInbound("wamid.CRASH-1")).toEqual([
      expect.not.objectContaining({ forwardPending: true }),
    ]);
    await h.engine.settle();
    expect(received("wamid.CRASH-1")).toHaveLength(1);
  });

  it("stored by a crashed delivery before it got its place in the conversation is completed by the relay", async () => {
    const phone = nextPhone();
    await worker.phones.receive({ from: phone, text: "hola", id: "wamid.SEQ-0" });
    const conversation = await h.db.conversations.findByPhone("default", phone);
    if (!conversation) throw new Error("no conversation");
    // The state a crash between the insert and the seq leaves: stored, no seq, flag set, no event.
    await h.db.db.collection<Omit<MessageDoc, "seq">>(COLLECTIONS.messages).insertOne({
      _id: "msg_seq_crash",
      accountId: "default",
      conversationId: conversation._id,
      contactId: conversation.contactId,
      direction: "in",
      kind: "text",
      text: "quiero 2 cajas",
      waMessageId: "wamid.SEQ-1",
      status: "received",
      forwardPending: true,
      at: new Date(),
    });

    // WhatsApp delivers it again: counted as a duplicate, the conversation untouched.
    const before = await h.db.conversations.getById(conversation._id);
    await worker.phones.receive({ from: phone, text: "quiero 2 cajas", id: "wamid.SEQ-1" });
    expect((await h.db.conversations.getById(conversation._id))?.lastSeq).toBe(before?.lastSeq);
    expect(received("wamid.SEQ-1")).toHaveLength(0);

    // The relay gives it the next seq and announces it, once.
    expect(await worker.app.relay.runOnce(0)).toMatchObject({ failed: false });
    await eventually(() => (received("wamid.SEQ-1").length ? true : undefined));
    expect(await storedInbound("wamid.SEQ-1")).toEqual([
      expect.objectContaining({ seq: (before?.lastSeq ?? 0) + 1 }),
    ]);
    expect((await storedInbound("wamid.SEQ-1"))[0]?.forwardPending).toBeUndefined();
    await h.engine.settle();
    expect(received("wamid.SEQ-1")).toHaveLength(1);
  });
});

/** Nothing of this phone in the database: no contact, no conversation, no message. */
async function expectNothingWrittenFor(phone: string, waMessageId?: string): Promise<void> {
  expect(await h.db.contacts.findByPhone("default", phone)).toBeNull();
  expect(await h.db.conversations.findByPhone("default", phone)).toBeNull();
  if (waMessageId) expect(await storedInbound(waMessageId)).toEqual([]);
}

/** A customer message as the whatsapp-web.js adapter hands it over (ids name their chat). */
function wwebjsInbound(phone: string, overrides: Partial<InboundMessage> = {}): InboundMessage {
  const jid = `${phone.slice(1)}@c.us`;
  return {
    accountId: "default",
    messageId: `false_${jid}_3EB0${Math.random().toString(16).slice(2).toUpperCase()}`,
    chatId: jid,
    from: phone,
    name: "Ana",
    text: "hola",
    type: "text",
    truncated: false,
    timestamp: Date.now(),
    isGroup: false,
    ...overrides,
  };
}

describe("a message the gateway cannot store whole", () => {
  it("with a 230-character id gets a clear 400 from the phones API, and nothing is written", async () => {
    const phone = nextPhone();
    const id = "wamid.".padEnd(230, "L");
    const res = await postMessage({ from: phone, text: "hola", name: "Ana", id });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "id must be at most 200 characters" });
    await h.engine.settle();
    await expectNothingWrittenFor(phone);
    expect(await h.db.db.collection(COLLECTIONS.messages).countDocuments({ waMessageId: id })).toBe(0);
    expect(received(id)).toEqual([]);
  });

  it("with an id of exactly 200 characters is stored and announced (202 means stored)", async () => {
    const phone = nextPhone();
    const id = "wamid.".padEnd(200, "M");
    expect((await postMessage({ from: phone, text: "hola", id })).status).toBe(202);
    expect(await storedInbound(id)).toEqual([expect.objectContaining({ text: "hola" })]);
    await eventually(() => (received(id).length ? true : undefined));
  });

  it("from whatsapp-web.js with a 230-character id is refused by the normalizer and by the pipeline, before any write", async () => {
    const phone = nextPhone();
    const jid = `${phone.slice(1)}@c.us`;
    const id = `false_${jid}_`.padEnd(230, "A");
    const decision = normalizeInbound(toRawWaMessage(waMessage({ id: { _serialized: id }, from: jid })), {
      accountId: "default",
      allowGroups: false,
      gatewayStartedAtMs: Date.now(),
      graceMs: 60_000,
    });
    expect(decision).toEqual({
      accept: false,
      reason: "invalid",
      problems: ["messageId: messageId must be at most 200 characters"],
    });

    // Handed straight to the pipeline (a transport that does not check): refused, nothing written.
    expect(await worker.app.inbound.receive(wwebjsInbound(phone, { messageId: id }))).toBe("invalid");
    await expectNothingWrittenFor(phone);
    expect(await h.db.db.collection(COLLECTIONS.messages).countDocuments({ waMessageId: id })).toBe(0);
  });

  it("with a timestamp that is no date, or an over-long name, is refused by the pipeline before any write", async () => {
    const phone = nextPhone();
    expect(await worker.app.inbound.receive(wwebjsInbound(phone, { timestamp: Number.NaN }))).toBe("invalid");
    expect(await worker.app.inbound.receive(wwebjsInbound(phone, { name: "n".repeat(201) }))).toBe("invalid");
    await expectNothingWrittenFor(phone);
    // The same message, well formed, is taken.
    expect(await worker.app.inbound.receive(wwebjsInbound(phone))).toBe("forwarded");
    expect(await h.db.contacts.findByPhone("default", phone)).not.toBeNull();
  });
});

describe("a customer writing again", () => {
  it("keeps the contact's WhatsApp name up to date, and the events carry it", async () => {
    const phone = nextPhone();
    expect(await worker.app.inbound.receive(wwebjsInbound(phone, { name: "Ana" }))).toBe("forwarded");
    const second = wwebjsInbound(phone, { name: "Ana" });
    expect(await worker.app.inbound.receive(second)).toBe("forwarded");
    const renamed = wwebjsInbound(phone, { name: "  Ana López " });
    expect(await worker.app.inbound.receive(renamed)).toBe("forwarded");
    const noName = wwebjsInbound(phone, { name: undefined });
    expect(await worker.app.inbound.receive(noName)).toBe("forwarded");

    expect((await h.db.contacts.findByPhone("default", phone))?.profileName).toBe("Ana López");
    const names = await Promise.all(
      [second, renamed, noName].map(async (m) => {
        const [event] = await eventually(() =>
          received(m.messageId).length ? received(m.messageId) : undefined,
        );
        return event?.data["name"];
      }),
    );
    expect(names).toEqual(["Ana", "Ana López", "Ana López"]);
  });
});

describe("the same WhatsApp id from a second phone", () => {
  it("is a 400 from the phones API; the second phone gets nothing written, the first keeps its message", async () => {
    const first = nextPhone();
    const second = nextPhone();
    const id = "wamid.SHARED-1";
    expect((await postMessage({ from: first, text: "quiero 3 cajas", id })).status).toBe(202);
    const res = await postMessage({ from: second, text: "hola", id });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "id is already used by a message from another phone" });

    await expectNothingWrittenFor(second);
    const stored = await storedInbound(id);
    expect(stored).toHaveLength(1);
    expect(stored[0]?.text).toBe("quiero 3 cajas");
    const [event] = await eventually(() => (received(id).length ? received(id) : undefined));
    expect(event?.data["phone"]).toBe(first);
    await h.engine.settle();
    expect(received(id)).toHaveLength(1);
  });

  it("reaching the pipeline anyway (the phones forgot it) is refused before any write; a redelivery from the first phone is still a duplicate", async () => {
    const first = nextPhone();
    const second = nextPhone();
    const message = wwebjsInbound(first);
    expect(await worker.app.inbound.receive(message)).toBe("forwarded");

    const forged = wwebjsInbound(second, { messageId: message.messageId, text: "otro mensaje" });
    expect(await worker.app.inbound.receive(forged)).toBe("id-conflict");
    await expectNothingWrittenFor(second);

    expect(await worker.app.inbound.receive(message)).toBe("duplicate");
    expect((await storedInbound(message.messageId)).map((m) => m.text)).toEqual(["hola"]);
  });

  it("from a second phone that is a customer already, is refused with nothing written for either", async () => {
    const first = nextPhone();
    const second = nextPhone();
    const message = wwebjsInbound(first);
    expect(await worker.app.inbound.receive(message)).toBe("forwarded");
    expect(await worker.app.inbound.receive(wwebjsInbound(second, { name: "Bea" }))).toBe("forwarded");
    await h.engine.settle();
    const contactBefore = await h.db.contacts.findByPhone("default", second);
    const conversationBefore = await h.db.conversations.findByPhone("default", second);

    const forged = wwebjsInbound(second, {
      messageId: message.messageId,
      text: "otro mensaje",
      name: "Otra",
    });
    expect(await worker.app.inbound.receive(forged)).toBe("id-conflict");
    expect(await h.db.contacts.findByPhone("default", second)).toEqual(contactBefore);
    expect(await h.db.conversations.findByPhone("default", second)).toEqual(conversationBefore);
    expect((await storedInbound(message.messageId)).map((m) => [m.text, m.contactId])).toEqual([
      ["hola", (await h.db.contacts.findByPhone("default", first))?._id],
    ]);
  });
});
