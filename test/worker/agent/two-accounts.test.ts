// Two WhatsApp accounts with the sales agent and its timers on, ONE local engine: each worker
// answers and nudges only its own account's customers, and its brain only ever sees them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HANDLE_MESSAGE_FUNCTION_ID } from "../../../worker/agent/handle-message.js";
import { DATA_COLLECTION_TIMER_ID } from "../../../worker/timers/data-collection-timer.js";
import {
  countingBrain,
  nextPhone,
  startAgentHarness,
  type AgentHarness,
  type AgentWorker,
} from "./support/agent-harness.js";

const MINUTE = 60_000;
const ASK = "Para preparar tu pedido me falta tu dirección de entrega y tu ciudad. ¿Me lo compartes?";

let h: AgentHarness;
let a: AgentWorker;
let b: AgentWorker;
const brainA = countingBrain();
const brainB = countingBrain();

beforeAll(async () => {
  h = await startAgentHarness();
  a = await h.startAgentWorker("a", {}, brainA);
  b = await h.startAgentWorker("b", {}, brainB);
});
afterAll(async () => {
  await h?.stop();
});

const seen = (brain: typeof brainA) => brain.calls.flatMap((c) => c.newMessages.map((m) => m.text)).sort();
const nudges = (w: AgentWorker, phone: string) =>
  w.phones.outbound(phone).filter((m) => m.dedupeKey.startsWith("nudge:"));

describe("two accounts with the agent on one engine", () => {
  it("answers and nudges each customer from their own account only", async () => {
    const onlyA = nextPhone();
    const onlyB = nextPhone();
    const both = nextPhone(); // writes to both numbers: two contacts, two conversations
    await a.phones.receive({ from: onlyA, text: "hola, me llamo Ana López" });
    await b.phones.receive({ from: onlyB, text: "hola, me llamo Beto Díaz" });
    await a.phones.receive({ from: both, text: "hola, me llamo Carla Ruiz" });
    await b.phones.receive({ from: both, text: "hola, me llamo Dora Paz" });
    await h.engine.advance(a.config.agent.debounceMs + 50);
    await h.engine.settle();

    expect(a.received(onlyA)).toEqual(["¡Hola Ana! Gracias por escribirnos.", ASK]);
    expect(b.received(onlyB)).toEqual(["¡Hola Beto! Gracias por escribirnos.", ASK]);
    expect(a.received(both)).toEqual(["¡Hola Carla! Gracias por escribirnos.", ASK]);
    expect(b.received(both)).toEqual(["¡Hola Dora! Gracias por escribirnos.", ASK]);
    expect(b.received(onlyA)).toEqual([]);
    expect(a.received(onlyB)).toEqual([]);
    expect(seen(brainA)).toEqual(["hola, me llamo Ana López", "hola, me llamo Carla Ruiz"]);
    expect(seen(brainB)).toEqual(["hola, me llamo Beto Díaz", "hola, me llamo Dora Paz"]);
    for (const [worker, account] of [
      [a, "a"],
      [b, "b"],
    ] as const) {
      for (const fn of [HANDLE_MESSAGE_FUNCTION_ID, DATA_COLLECTION_TIMER_ID]) {
        const runs = await worker.runs(fn);
        expect(runs).toHaveLength(2);
        expect(runs.map((r) => r.event.data["accountId"])).toEqual([account, account]);
      }
    }

    // Six minutes of silence: one nudge per conversation, from its own account.
    await h.engine.advance(6 * MINUTE + 1_000);
    await h.engine.settle();
    expect(nudges(a, onlyA)).toHaveLength(1);
    expect(nudges(b, onlyB)).toHaveLength(1);
    expect(nudges(a, both)).toHaveLength(1);
    expect(nudges(b, both)).toHaveLength(1);
    expect(b.received(onlyA)).toEqual([]);
    expect(a.received(onlyB)).toEqual([]);
  });

  it("ignores an event that names another account's conversation (defence in depth)", async () => {
    const phone = nextPhone();
    await b.phones.receive({ from: phone, text: "hola, me llamo Beto Díaz" });
    await h.engine.advance(b.config.agent.debounceMs + 50);
    await h.engine.settle();
    const conversation = await b.conversation(phone);
    // A message b's worker has not handled yet, and an event for account a that names it.
    await h.db.messages.recordInbound({
      accountId: "b",
      conversationId: conversation._id,
      contactId: conversation.contactId,
      waMessageId: "false_5215559999999@c.us_FORGED",
      text: "quiero hablar con alguien",
    });
    const callsA = brainA.calls.length;
    await h.sendEvents([
      {
        name: "whatsapp/message.received",
        id: "forged-for-a",
        data: {
          accountId: "a",
          conversationId: conversation._id,
          contactId: conversation.contactId,
          messageId: "false_5215559999999@c.us_FORGED",
          phone,
          text: "quiero hablar con alguien",
          type: "text",
          receivedAt: new Date(h.engine.nowMs()).toISOString(),
        },
      },
    ]);
    await h.engine.advance(a.config.agent.debounceMs + 50);
    await h.engine.settle();

    const runs = await a.runs(HANDLE_MESSAGE_FUNCTION_ID, conversation._id);
    expect(runs.map((r) => r.output)).toEqual([{ outcome: "other-account" }]);
    expect(brainA.calls.length).toBe(callsA);
    expect(a.received(phone)).toEqual([]);
    // Still b's to answer.
    expect((await h.db.messages.listUnprocessedInbound(conversation._id)).map((m) => m.text)).toEqual([
      "quiero hablar con alguien",
    ]);
  });
});
