// Fault: MongoDB (the embedded server the app and the engine's store share) stopped for 5 seconds in
// the middle of traffic and restarted on its port and data dir; and a connection dropped mid-command.
// Must hold: functions retry, and every message the phones API accepted (202) is stored once and
// answered by exactly one reply turn; nothing is sent twice, no run fails.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo, type EmbeddedMongo } from "../../../sandbox/mongo/index.js";
import type { MessageDoc } from "../../../shared/db/index.js";
import { COLLECTIONS } from "../../../shared/db/index.js";
import { HANDLE_MESSAGE_FUNCTION_ID } from "../../../worker/agent/handle-message.js";
import type { Transport } from "../../../worker/gateway/transport.js";
import { sendOnce } from "../../../worker/outbound/send-once.js";
import {
  nextCustomerPhone,
  startServicesSandbox,
  until,
  type ServicesSandbox,
} from "../support/services-sandbox.js";

const CUSTOMERS = 10;
const SCRIPT = ["hola", "¿qué productos tienen?", "me llamo Ana López", "¿cuánto cuesta?"];
const OUTAGE_MS = 5_000;
const REPLY_KEY = /^reply:([^:]+):(\d+):(\d+|promos)$/;

const mongoDir = mkdtempSync(path.join(tmpdir(), "mongo-unreachable-"));
let mongo: EmbeddedMongo;
let s: ServicesSandbox;

beforeAll(async () => {
  mongo = await startEmbeddedMongo({ port: 0, dataDir: mongoDir, quiet: true });
  // One turn per message (no debounce), so each accepted message has a reply turn of its own.
  s = await startServicesSandbox({
    mongoUri: mongo.uri,
    env: { AGENT_DEBOUNCE: "0s", AGENT_MODE_TRANSITION_DELAY: "0s", DATA_COLLECTION_MAX_NUDGES: "0" },
  });
}, 60_000);
afterAll(async () => {
  await s?.stop();
  await mongo?.stop();
  rmSync(mongoDir, { recursive: true, force: true });
});

/** Reply turns one phone received: watermark → the dedupe keys sent under it. */
function replyTurns(phone: string): Map<number, string[]> {
  const turns = new Map<number, string[]>();
  for (const m of s.running.phones.outbound(phone)) {
    const match = REPLY_KEY.exec(m.dedupeKey);
    if (!match) continue;
    const watermark = Number(match[2]);
    turns.set(watermark, [...(turns.get(watermark) ?? []), m.dedupeKey]);
  }
  return turns;
}

/**
 * The app's next write commands drop their connection before they run (the embedded server's
 * `failCommand` fail point, as MongoDB's own driver tests use it); `skip` writes pass first.
 */
async function cutNextAppWrite(skip = 0): Promise<void> {
  await s.running.db.client.db("admin").command({
    configureFailPoint: "failCommand",
    mode: { times: 1, skip },
    data: { failCommands: ["insert", "update", "findAndModify"], closeConnection: true, appName: "sandbox" },
  });
}

/** A customer who wrote once and was answered, with nothing else under way. */
async function quietCustomer() {
  const phone = nextCustomerPhone();
  expect((await s.write(phone, "hola")).status).toBe(202);
  await until("the first reply", () => (replyTurns(phone).size === 1 ? true : undefined));
  await s.running.engine.settle(10_000);
  const conversation = await s.running.db.conversations.findByPhone(s.config.whatsapp.accountId, phone);
  return { phone, conversation: conversation! };
}

describe("a connection dropped in the middle of a command", () => {
  it("while a customer's message is being stored: it is stored once and answered once", async () => {
    const { phone, conversation } = await quietCustomer();
    // The phone keeps its copy first; the gateway's first write for the message is cut off.
    await cutNextAppWrite(1);
    expect((await s.write(phone, "¿qué productos tienen?")).status).toBe(202);
    await until("the second reply", () => (replyTurns(phone).size === 2 ? true : undefined));
    const inbound = (await s.running.db.messages.listRecent(conversation._id, 10)).filter(
      (m) => m.direction === "in",
    );
    expect(inbound.map((m) => m.text)).toEqual(["hola", "¿qué productos tienen?"]);
    expect([...replyTurns(phone).keys()]).toEqual(inbound.map((m) => m.seq));
  });

  it("right after a message went out, while it is recorded as sent: it is not sent again", async () => {
    const { phone, conversation } = await quietCustomer();
    const phones = s.running.phones;
    // WhatsApp takes the message; the command that records it as sent loses its connection.
    const transport: Pick<Transport, "send" | "status"> = {
      status: () => phones.status(),
      async send(to, text, dedupeKey) {
        const sent = await phones.send(to, text, dedupeKey);
        await cutNextAppWrite();
        return sent;
      },
    };
    const request = {
      accountId: s.config.whatsapp.accountId,
      conversationId: conversation._id,
      to: phone,
      text: "¿Seguimos con tu pedido?",
      dedupeKey: "nudge:cut-while-recording:1",
      origin: "nudge" as const,
    };
    // As a step runs it: a failed attempt is retried.
    const attempt = () => sendOnce({ db: s.running.db, transport }, request);
    const first = await attempt().catch((error: unknown) => error);
    if (first instanceof Error) await attempt().catch(() => undefined);

    expect(phones.outbound(phone).filter((m) => m.dedupeKey === request.dedupeKey)).toHaveLength(1);
    expect(first).toMatchObject({ status: "sent", attempts: 1 });
    const stored = await s.running.db.db
      .collection<MessageDoc>(COLLECTIONS.messages)
      .findOne({ direction: "out", dedupeKey: request.dedupeKey });
    expect(stored).toMatchObject({ status: "sent", attempts: 1 });
  });
});

/**
 * One customer: writes each message of the script and waits for its reply turn before the next.
 * A write that was not accepted (the phones API answered other than 202) is sent again under the
 * same WhatsApp id, as a phone resends a message that did not go out.
 */
async function customer(phone: string, accepted: string[]): Promise<void> {
  for (const [turn, text] of SCRIPT.entries()) {
    const id = `false_${phone.slice(1)}@c.us_3EB0${String(turn).padStart(4, "0")}`;
    for (let attempt = 0; (await s.write(phone, text, { id })).status !== 202; attempt += 1) {
      if (attempt >= 20) throw new Error(`message ${turn} of ${phone} never accepted`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    accepted.push(id);
    await until(
      `reply turn ${turn + 1} of ${phone}`,
      () => (replyTurns(phone).size > turn ? true : undefined),
      60_000,
    );
  }
}

describe("MongoDB unreachable for 5 seconds in the middle of traffic", () => {
  it("every accepted message is answered by exactly one reply turn; nothing lost, nothing doubled", async () => {
    const phones = Array.from({ length: CUSTOMERS }, () => nextCustomerPhone());
    const accepted = phones.map(() => [] as string[]);
    const traffic = Promise.all(phones.map((phone, i) => customer(phone, accepted[i]!))).then(
      () => undefined,
      (error: unknown) => error,
    );

    // In the middle of it: some customers answered, the rest still writing.
    await until(
      "traffic under way",
      () => (phones.reduce((sum, phone) => sum + replyTurns(phone).size, 0) >= CUSTOMERS ? true : undefined),
      60_000,
    );
    const port = mongo.port;
    const stoppedAt = Date.now();
    await mongo.stop();
    await new Promise((resolve) => setTimeout(resolve, OUTAGE_MS));
    mongo = await startEmbeddedMongo({ port, dataDir: mongoDir, quiet: true });
    expect(Date.now() - stoppedAt).toBeGreaterThanOrEqual(OUTAGE_MS);

    expect(await traffic).toBeUndefined();
    // A reservation whose acknowledgement the outage cut off reads as another attempt's send in
    // flight; it is taken over once stale (2 minutes of engine time): late, never lost or doubled.
    // (A replica set retries such a write itself; the embedded server is a standalone.)
    await s.advance(60_000);
    await s.advance(60_000);
    await s.advance(60_000);
    await s.running.engine.settle(30_000);

    const accountId = s.config.whatsapp.accountId;
    for (const [i, phone] of phones.entries()) {
      // Stored once each, in order, all processed.
      const conversation = await s.running.db.conversations.findByPhone(accountId, phone);
      const stored = await s.running.db.messages.listRecent(conversation!._id, 100);
      const inbound = stored.filter((m) => m.direction === "in");
      expect(inbound.map((m) => m.waMessageId)).toEqual(accepted[i]);
      expect(conversation?.processedSeq).toBe(inbound.at(-1)?.seq);
      // One reply turn per message, under its own watermark; no reply twice.
      const turns = replyTurns(phone);
      expect([...turns.keys()].sort((a, b) => a - b)).toEqual(inbound.map((m) => m.seq));
      const outbound = s.running.phones.outbound(phone).map((m) => m.dedupeKey);
      expect(new Set(outbound).size).toBe(outbound.length);
      // The phone shows each message once; every reply recorded as sent is on it, once.
      const chat = await s.chat(phone);
      expect(chat.filter((m) => m.direction === "in").map((m) => m.id)).toEqual(accepted[i]);
      const sent = stored.filter((m) => m.direction === "out");
      expect(sent.filter((m) => m.status !== "sent")).toEqual([]);
      expect(sent.map((m) => m.dedupeKey).sort()).toEqual([...outbound].sort());
    }

    // The functions retried through the outage: no run failed, no failure alert.
    const runs = await s.runs("worker", HANDLE_MESSAGE_FUNCTION_ID);
    expect(runs.filter((r) => r.status !== "completed")).toEqual([]);
    const failed = (await (await fetch(`${s.url}/sandbox/runs?status=failed`)).json()) as { runs: unknown[] };
    expect(failed.runs).toEqual([]);
    expect(await s.running.workspace!.messages(s.running.workspace!.channels.ops.id)).toEqual([]);
  }, 180_000);
});
