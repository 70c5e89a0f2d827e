// Fault: `kill -9` of npm start's whole process group (the sandbox and its embedded MongoDB child)
// while 30 customers send their first message, then a restart on the same data directory.
// Must hold: every message that got a 202 is answered exactly once without anyone doing anything;
// a message whose 202 never came, sent again by the client (same WhatsApp id), is answered once too.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MongoClient, type Db } from "mongodb";
import { afterAll, describe, expect, it } from "vitest";
import { startEmbeddedMongo } from "../../../sandbox/mongo/index.js";
import { startNpmStart, type NpmStartProcess } from "../support/npm-start-process.js";
import { killAllGroups } from "../support/process-group.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "fault-kill-mid-traffic-"));
afterAll(() => {
  killAllGroups();
  rmSync(dataDir, { recursive: true, force: true });
});

const CUSTOMERS = 30;
/** Written one after the other before the kill; the others all at once just before it. */
const STAGGERED = 20;

interface Customer {
  phone: string;
  name: string;
  /** The WhatsApp message id: the client's retry is the same message, not a second one. */
  id: string;
}

const customers: Customer[] = Array.from({ length: CUSTOMERS }, (_, i) => {
  const phone = `+52155500${String(100 + i).padStart(4, "0")}`;
  return { phone, name: `Cliente ${i}`, id: `false_${phone.slice(1)}@c.us_3EB0KILL${i}` };
});

type ChatMessage = { id: string; direction: "in" | "out"; text: string; at: string };
type RunView = { functionId: string; status: string };

async function postMessage(url: string, customer: Customer): Promise<number> {
  const res = await fetch(`${url}/sandbox/whatsapp/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: customer.phone, text: "hola", name: customer.name, id: customer.id }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function getJson<T>(url: string): Promise<T> {
  return (await (await fetch(url)).json()) as T;
}

/** Phones whose chat ends with a message from the bot. */
async function answeredPhones(url: string): Promise<Set<string>> {
  const { chats } = await getJson<{ chats: { phone: string; lastMessage: ChatMessage }[] }>(
    `${url}/sandbox/whatsapp/chats`,
  );
  return new Set(chats.filter((c) => c.lastMessage.direction === "out").map((c) => c.phone));
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** Reads the sandbox's MongoDB from its data directory while no sandbox runs. */
async function readData<T>(read: (db: Db) => Promise<T>): Promise<T> {
  const mongo = await startEmbeddedMongo({ dataDir: path.join(dataDir, "mongo"), quiet: true });
  const client = new MongoClient(mongo.uri);
  try {
    await client.connect();
    return await read(client.db("salesbot"));
  } finally {
    await client.close();
    await mongo.stop();
  }
}

interface Stored {
  conversationOf: Map<string, string>;
  /** Outbound messages the product recorded, by phone: dedupe key and status. */
  recorded: Map<string, { dedupeKey: string; status: string }[]>;
  /** What each phone received, by phone: dedupe keys in order. */
  received: Map<string, string[]>;
}

async function stored(db: Db): Promise<Stored> {
  const conversations = await db.collection("conversations").find().toArray();
  const phoneOf = new Map(conversations.map((c) => [String(c["_id"]), String(c["phone"])]));
  const recorded = new Map<string, { dedupeKey: string; status: string }[]>();
  for (const m of await db.collection("messages").find({ direction: "out" }).sort({ seq: 1 }).toArray()) {
    const phone = phoneOf.get(String(m["conversationId"]))!;
    recorded.set(phone, [
      ...(recorded.get(phone) ?? []),
      { dedupeKey: String(m["dedupeKey"]), status: String(m["status"]) },
    ]);
  }
  const received = new Map<string, string[]>();
  const phoneMessages = db.collection("sandbox_phone_messages");
  for (const m of await phoneMessages.find({ direction: "out" }).sort({ seq: 1 }).toArray()) {
    const phone = String(m["phone"]);
    received.set(phone, [...(received.get(phone) ?? []), String(m["dedupeKey"])]);
  }
  const conversationOf = new Map([...phoneOf].map(([id, phone]) => [phone, id]));
  return { conversationOf, recorded, received };
}

describe("kill -9 of npm start in the middle of 30 customers' first messages", () => {
  it("answers every accepted message exactly once after the restart, and every retried one once", async () => {
    const first = await startNpmStart(dataDir);
    const accepted = new Set<string>();
    const sends: Promise<void>[] = [];
    const send = (sandbox: NpmStartProcess, customer: Customer) =>
      sends.push(
        postMessage(sandbox.url, customer).then(
          (status) => {
            if (status === 202) accepted.add(customer.phone);
          },
          () => undefined, // the sandbox died under this request: no 202
        ),
      );

    // Customers write one after the other; once some have been answered and more are accepted but
    // not answered yet, the last ones write all at once and the whole group is killed with their
    // messages (and the replies being sent) in flight.
    for (const customer of customers.slice(0, STAGGERED)) {
      send(first, customer);
      await new Promise((r) => setTimeout(r, 150));
    }
    await until(
      "some answers",
      async () => ((await answeredPhones(first.url)).size >= 3 && accepted.size >= 8 ? true : undefined),
      60_000,
    );
    for (const customer of customers.slice(STAGGERED)) send(first, customer);
    await new Promise((r) => setTimeout(r, 30));
    await first.killGroup();
    await Promise.all(sends);
    const acceptedBeforeKill = new Set(accepted);

    // What the kill left behind: answered customers, accepted ones not answered, unaccepted ones.
    const atKill = await readData(stored);
    const answeredAtKill = customers.filter((c) => (atKill.received.get(c.phone) ?? []).length > 0);
    expect(answeredAtKill.length).toBeGreaterThan(0);
    expect(customers.some((c) => acceptedBeforeKill.has(c.phone) && !atKill.received.has(c.phone))).toBe(
      true,
    );
    expect(acceptedBeforeKill.size).toBeLessThan(CUSTOMERS);

    const second = await startNpmStart(dataDir);
    try {
      // The client sends again what never got its 202 (the same message: same WhatsApp id).
      const retried = customers.filter((c) => !acceptedBeforeKill.has(c.phone));
      const statuses = await Promise.all(retried.map((c) => postMessage(second.url, c)));
      expect(statuses).toEqual(retried.map(() => 202));
      // A reply whose send the kill cut off before the phone got it is sent again once that attempt
      // is clearly dead (2 minutes): the engine's clock moves past that instead of the test waiting.
      const advanced = await fetch(`${second.url}/sandbox/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ ms: 150_000 }),
      });
      expect(advanced.status).toBe(200);
      // Everyone answered, and the engine has nothing left to do now (timers wait for later).
      let left = "";
      await until(
        "every customer answered and no run busy",
        async () => {
          const { runs } = await getJson<{ runs: RunView[] }>(`${second.url}/sandbox/runs`);
          const busy = runs.filter((r) => r.status === "queued" || r.status === "running");
          const answered = await answeredPhones(second.url);
          left = `unanswered ${customers
            .filter((c) => !answered.has(c.phone))
            .map((c) => c.phone)
            .join(" ")}; busy ${JSON.stringify(busy)}`;
          return answered.size === CUSTOMERS && busy.length === 0 ? true : undefined;
        },
        60_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}: ${left}`);
      });
      const { runs } = await getJson<{ runs: RunView[] }>(`${second.url}/sandbox/runs?status=failed`);
      expect(runs).toEqual([]);

      // Seen from each phone: its one message once, then one answer.
      const chats = new Map<string, ChatMessage[]>();
      for (const customer of customers) {
        const { messages } = await getJson<{ messages: ChatMessage[] }>(
          `${second.url}/sandbox/whatsapp/chats/${encodeURIComponent(customer.phone)}`,
        );
        chats.set(customer.phone, messages);
      }
      const expectedAnswer = chats
        .get(answeredAtKill[0]!.phone)!
        .filter((m) => m.direction === "out")
        .map((m) => m.text);
      expect(expectedAnswer.length).toBeGreaterThan(0);
      for (const customer of customers) {
        const messages = chats.get(customer.phone)!;
        expect(
          messages.map((m) => [m.direction, m.direction === "in" ? m.id : m.text]),
          customer.phone,
        ).toEqual([["in", customer.id], ...expectedAnswer.map((text) => ["out", text])]);
      }
    } finally {
      await second.stop();
    }

    // Stored: each conversation has one reply turn (one watermark), every reply recorded as sent and
    // on the phone exactly once.
    const after = await readData(stored);
    for (const customer of customers) {
      const conversationId = after.conversationOf.get(customer.phone)!;
      const recorded = after.recorded.get(customer.phone) ?? [];
      const received = after.received.get(customer.phone) ?? [];
      const turns = new Set(
        recorded.map((m) => new RegExp(`^reply:${conversationId}:(\\d+):\\d+$`).exec(m.dedupeKey)?.[1]),
      );
      expect([...turns], customer.phone).toEqual([expect.stringMatching(/^\d+$/)]);
      expect(recorded.every((m) => m.status === "sent")).toBe(true);
      expect(received, customer.phone).toEqual(recorded.map((m) => m.dedupeKey));
    }
  }, 240_000);
});
