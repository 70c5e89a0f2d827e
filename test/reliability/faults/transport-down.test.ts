// Fault: the WhatsApp transport is down (or failing sends) while the agent's replies are due.
// Must hold: the send is retried on the engine's clock and, once WhatsApp is back, every reply
// reaches the customer exactly once, whether the outage is shorter or longer than the agent's own
// retries (then the proactive sender takes over under the same dedupe keys).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HANDLE_MESSAGE_FUNCTION_ID } from "../../../worker/agent/handle-message.js";
import { PROACTIVE_SEND_FUNCTION_ID } from "../../../worker/outbound/proactive-send.js";
import {
  nextCustomerPhone,
  startServicesSandbox,
  until,
  type ServicesSandbox,
} from "../support/services-sandbox.js";

const MINUTE = 60_000;
/** Past the agent's debounce: the turn starts. */
const DEBOUNCE_MS = 31_000;
const GREETING = [
  "¡Hola! Gracias por escribirnos.",
  "Para preparar tu pedido me falta tu nombre, tu dirección de entrega y tu ciudad. ¿Me lo compartes?",
];

let s: ServicesSandbox;

beforeAll(async () => {
  // No data-collection nudges: what the customer receives is the agent's reply and nothing else. A
  // debounce long enough that no turn starts (in real time) before the test drops the connection.
  s = await startServicesSandbox({ env: { AGENT_DEBOUNCE: "30s", DATA_COLLECTION_MAX_NUDGES: "0" } });
}, 60_000);
afterAll(async () => {
  await s?.stop();
});

/** The agent's turn for this customer: its run and the reply-and-advance step. */
async function turnOf(phone: string) {
  const conversation = await s.running.db.conversations.findByPhone(s.config.whatsapp.accountId, phone);
  if (!conversation) throw new Error(`no conversation with ${phone}`);
  const runs = (await s.runs("worker", HANDLE_MESSAGE_FUNCTION_ID)).filter(
    (r) => r.event.data["conversationId"] === conversation._id,
  );
  return { conversation, runs, send: runs.at(-1)?.steps.find((step) => step.id === "reply-and-advance") };
}

/** Dedupe keys of what the phone received (each must appear once). */
function keysReceived(phone: string): string[] {
  return s.running.phones.outbound(phone).map((m) => m.dedupeKey);
}

async function advanceMinutes(minutes: number): Promise<void> {
  for (let i = 0; i < minutes; i += 1) await s.advance(MINUTE);
}

describe("WhatsApp transport down while replies are due", () => {
  it("disconnected for 3 minutes: each customer's replies are retried and arrive exactly once", async () => {
    const customers = [nextCustomerPhone(), nextCustomerPhone(), nextCustomerPhone()];
    for (const phone of customers) expect((await s.write(phone, "hola")).status).toBe(202);
    // The messages reached the gateway; the connection drops before the debounced turn replies.
    s.running.phones.simulateDisconnect("phone offline");
    try {
      await s.advance(DEBOUNCE_MS);
      for (const phone of customers) {
        const turn = await until(`the send attempt for ${phone}`, async () => {
          const t = await turnOf(phone);
          return t.send && t.send.attempts >= 1 ? t : undefined;
        });
        expect(turn.send?.status).not.toBe("completed");
      }
      await advanceMinutes(3);
      for (const phone of customers) expect(await s.received(phone)).toEqual([]);
    } finally {
      await s.running.phones.simulateReconnect();
    }

    // The next retry (the waits grow to 160 s) finds WhatsApp back.
    await advanceMinutes(4);
    for (const phone of customers) {
      expect(await s.received(phone)).toEqual(GREETING);
      const { conversation, runs } = await turnOf(phone);
      expect(runs.map((r) => r.status)).toEqual(["completed"]);
      expect(keysReceived(phone)).toEqual(
        [0, 1].map((i) => `reply:${conversation._id}:${conversation.processedSeq}:${i}`),
      );
      // Stored once each, as sent.
      const stored = await s.running.db.messages.listRecent(conversation._id, 10);
      expect(stored.filter((m) => m.direction === "out").map((m) => m.status)).toEqual(["sent", "sent"]);
    }
    // However long the engine keeps running, nothing is sent again.
    await advanceMinutes(30);
    for (const phone of customers) expect(await s.received(phone)).toEqual(GREETING);
  }, 120_000);

  it("sends failing mid-way (reserved, then WhatsApp throws) are retried: each reply once", async () => {
    const phone = nextCustomerPhone();
    expect((await s.write(phone, "hola")).status).toBe(202);
    // The first reply's send fails twice, after it was recorded as being sent.
    s.running.phones.failNextSends(2, new Error("Evaluation failed: WidFactory is not defined"));
    await s.advance(DEBOUNCE_MS);
    for (let i = 0; i < 10 && (await s.received(phone)).length < GREETING.length; i += 1)
      await s.advance(5_000);

    expect(await s.received(phone)).toEqual(GREETING);
    const { conversation, runs, send } = await turnOf(phone);
    expect(runs.map((r) => r.status)).toEqual(["completed"]);
    expect(send?.attempts).toBe(3);
    expect(new Set(keysReceived(phone)).size).toBe(2);
    const stored = await s.running.db.messages.listRecent(conversation._id, 10);
    expect(stored.filter((m) => m.direction === "out").map((m) => [m.status, m.attempts])).toEqual([
      ["sent", 3],
      ["sent", 1],
    ]);
  }, 120_000);

  it("down for 20 minutes, longer than the agent's retries: the proactive sender delivers each reply once", async () => {
    const phone = nextCustomerPhone();
    expect((await s.write(phone, "hola")).status).toBe(202);
    s.running.phones.simulateDisconnect("phone offline");
    try {
      await s.advance(DEBOUNCE_MS);
      await advanceMinutes(20);
      expect(await s.received(phone)).toEqual([]);
      // The agent's turn gave up sending itself and handed the replies over.
      const { runs } = await turnOf(phone);
      expect(runs.map((r) => r.status)).toEqual(["completed"]);
    } finally {
      await s.running.phones.simulateReconnect();
    }
    await advanceMinutes(6);
    // Two independent sends: their order is not guaranteed, each one's delivery is.
    expect([...(await s.received(phone))].sort()).toEqual([...GREETING].sort());
    const { conversation } = await turnOf(phone);
    expect(keysReceived(phone).sort()).toEqual(
      [0, 1].map((i) => `reply:${conversation._id}:${conversation.processedSeq}:${i}`),
    );
    const proactive = (await s.runs("worker", PROACTIVE_SEND_FUNCTION_ID)).filter(
      (r) => r.event.data["conversationId"] === conversation._id,
    );
    expect(proactive.map((r) => r.status)).toEqual(["completed", "completed"]);
    await advanceMinutes(30);
    expect(await s.received(phone)).toHaveLength(2);
  }, 120_000);
});
