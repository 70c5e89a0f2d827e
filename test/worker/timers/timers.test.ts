// The durable timers end to end, on the local engine's clock: a customer who goes quiet while giving
// their data gets nudged after 6 minutes (never more than configured), a reply just before that
// cancels the nudge, silence after the promos orders the default pack exactly once, and outside
// business hours the nudge waits for the opening.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_COLLECTION_TIMER_ID } from "../../../worker/timers/data-collection-timer.js";
import { nextOpening } from "../../../shared/domain/business-hours.js";
import { placeTimeoutOrder } from "../../../worker/timers/timeout-order.js";
import type { TimerDb } from "../../../worker/timers/watch.js";
import {
  eventsFor,
  nextPhone,
  startAgentHarness,
  type AgentHarness,
  type AgentWorker,
} from "../agent/support/agent-harness.js";

const MINUTE = 60_000;
const DATA = [
  "me llamo Ana López",
  "mi teléfono es 55 1234 5678",
  "mi dirección es Av. Reforma 123, Col. Centro",
  "ciudad: CDMX",
];
const FIRST_NUDGE =
  "¿Sigues ahí? Para preparar tu pedido solo me falta tu nombre, tu dirección de entrega y tu ciudad. Escríbemelo cuando puedas.";

let h: AgentHarness;
let worker: AgentWorker;

beforeAll(async () => {
  h = await startAgentHarness();
  worker = await h.startAgentWorker("timers", { DATA_COLLECTION_MAX_NUDGES: "2" });
});
afterAll(async () => {
  await h?.stop();
});

const nudgesTo = (w: AgentWorker, phone: string) =>
  w.phones.outbound(phone).filter((m) => m.dedupeKey.startsWith("nudge:"));

/** Advances the engine clock (and lets everything that became due settle). */
async function advance(ms: number): Promise<void> {
  await h.engine.advance(ms);
  await h.engine.settle();
}

describe("data-collection timer", () => {
  it("nudges a customer silent for 6 minutes once, naming the missing fields (at most 2 nudges)", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola");
    await advance(5 * MINUTE);
    expect(nudgesTo(worker, phone)).toHaveLength(0);

    await advance(MINUTE + 1_000);
    expect(nudgesTo(worker, phone).map((m) => m.text)).toEqual([FIRST_NUDGE]);
    await advance(5 * MINUTE);
    expect(nudgesTo(worker, phone)).toHaveLength(1);

    // Another 6 minutes of silence: the second and last nudge (DATA_COLLECTION_MAX_NUDGES=2).
    await advance(MINUTE + 1_000);
    expect(nudgesTo(worker, phone)).toHaveLength(2);
    await advance(30 * MINUTE);
    expect(nudgesTo(worker, phone)).toHaveLength(2);

    const conversation = await worker.conversation(phone);
    expect(nudgesTo(worker, phone).map((m) => m.dedupeKey)).toEqual([
      `nudge:data_collection:${conversation._id}:${conversation.episode}:1`,
      `nudge:data_collection:${conversation._id}:${conversation.episode}:2`,
    ]);
    expect(conversation.nudges).toEqual({ data_collection: 2 });
  });

  it("never nudges a customer more than DATA_COLLECTION_MAX_NUDGES times a day, even after opting out and in", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola");
    for (let i = 0; i < 2; i += 1) await advance(6 * MINUTE + 1_000);
    expect(nudgesTo(worker, phone)).toHaveLength(2);

    await worker.say(phone, "STOP");
    await worker.say(phone, "START");
    const back = await worker.conversation(phone);
    expect(back.mode).toBe("collecting_data");
    expect(back.nudges).toEqual({});
    // A new stay in collecting_data, the same day: its timer runs, and sends nothing more.
    for (let i = 0; i < 3; i += 1) await advance(6 * MINUTE + 1_000);
    expect(nudgesTo(worker, phone)).toHaveLength(2);
  });

  it("a reply at 5m59s cancels the nudge; the silence starts over from the reply", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola");
    const conversation = await worker.conversation(phone);
    const [timer] = await worker.runs(DATA_COLLECTION_TIMER_ID, conversation._id);
    expect(timer?.waitingFor).toBe("whatsapp/message.received");
    const deadline = Date.parse(timer?.until ?? "");

    // Let whatever becomes due before the last minute settle first (earlier tests' timers), so that
    // nothing slow sits between the final advance and the reply: the engine clock runs in real time.
    await advance(deadline - h.engine.nowMs() - MINUTE);
    // Exactly deadline − 1 s in engine time, measured right before the customer writes (no settling).
    await h.engine.advance(deadline - h.engine.nowMs() - 1_000, 0);
    await worker.phones.receive({ from: phone, text: "¿me esperas un momento?" });
    expect((await worker.conversation(phone)).lastInboundAt?.getTime()).toBeLessThan(deadline);
    await advance(worker.config.agent.debounceMs + 50);
    expect(worker.received(phone).at(-1)).toMatch(/^Para preparar tu pedido me falta/);
    await advance(2_000);
    expect(nudgesTo(worker, phone)).toHaveLength(0);
    await advance(5 * MINUTE);
    expect(nudgesTo(worker, phone)).toHaveLength(0);

    await advance(MINUTE);
    expect(nudgesTo(worker, phone).map((m) => m.text)).toEqual([FIRST_NUDGE]);
  });

  it("does nothing once the data is complete", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola");
    await worker.say(phone, ...DATA);
    expect((await worker.conversation(phone)).mode).toBe("promos");
    await advance(7 * MINUTE);
    expect(nudgesTo(worker, phone)).toHaveLength(0);
  });
});

describe("promos timer", () => {
  it("orders the default pack exactly once after 10 minutes of silence, and tells the customer", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola", ...DATA);
    const conversation = await worker.conversation(phone);
    expect(conversation.mode).toBe("promos");

    await advance(9 * MINUTE);
    expect(await h.db.orders.listByConversation(conversation._id)).toHaveLength(0);
    await advance(MINUTE + 1_000);

    const orders = await h.db.orders.listByConversation(conversation._id);
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({
      source: "promos-timeout",
      status: "pending_approval",
      totalMinor: 49_900,
      lines: [expect.objectContaining({ sku: "COLAGENO-500", pack: "1x", qty: 1 })],
    });
    expect((await worker.conversation(phone)).mode).toBe("awaiting_approval");
    expect(worker.received(phone).at(-1)).toBe(
      [
        "Como no alcanzamos a confirmar tu elección, registré tu pedido con la opción básica:",
        "• 1 × Colágeno hidrolizado con vitamina C (500 g) (1x): $499.00 MXN",
        "Total: $499.00 MXN",
        "Nuestro equipo lo revisa y te confirmamos por aquí. Si prefieres otra opción, respóndeme con el número o el producto y una persona de nuestro equipo cambia tu pedido antes de aprobarlo.",
      ].join("\n"),
    );
    expect(eventsFor(h, "order/created", conversation._id).map((e) => e.data)).toEqual([
      expect.objectContaining({ orderId: orders[0]?._id, source: "promos-timeout" }),
    ]);

    await advance(20 * MINUTE);
    expect(await h.db.orders.listByConversation(conversation._id)).toHaveLength(1);
    expect(eventsFor(h, "order/created", conversation._id)).toHaveLength(1);
  });

  it("orders the pack the customer chose but did not confirm", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola", ...DATA);
    await worker.say(phone, "2");
    await advance(10 * MINUTE + 1_000);
    const conversation = await worker.conversation(phone);
    const orders = await h.db.orders.listByConversation(conversation._id);
    expect(orders.map((o) => [o.source, o.totalMinor])).toEqual([["promos-timeout", 89_900]]);
    expect(worker.received(phone).at(-1)).toMatch(
      /^Como no alcanzamos a confirmar, registré tu pedido con la opción que elegiste:/,
    );
  });

  it("announces its move to awaiting_approval when the customer's own order was already open", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola", ...DATA);
    const offered = await worker.conversation(phone);
    expect(offered.mode).toBe("promos");
    // The agent registered the customer's confirmed order at the moment the window ran out, and had
    // not moved the conversation yet: the timer moves it first and finds that order open.
    await h.db.orders.createFromConversation({
      conversationId: offered._id,
      lines: [{ sku: "COLAGENO-500", pack: "3x", qty: 1 }],
      source: "agent",
    });
    await advance(10 * MINUTE + 1_000);

    const after = await worker.conversation(phone);
    expect(after.mode).toBe("awaiting_approval");
    const orders = await h.db.orders.listByConversation(offered._id);
    expect(orders.map((o) => [o.source, o.totalMinor])).toEqual([["agent", 119_900]]);
    // Timers, automations and Slack learn the mode changed; the customer gets no timeout message.
    expect(
      eventsFor(h, "agent/mode.changed", offered._id)
        .map((e) => `${e.data.from}>${e.data.to}`)
        .at(-1),
    ).toBe("promos>awaiting_approval");
    expect(worker.phones.outbound(phone).filter((m) => m.dedupeKey.startsWith("promos-timeout:"))).toEqual(
      [],
    );
  });

  it("after a refused order, gives the conversation back to promos only if nobody moved it since", async () => {
    const refusing = (during: (conversationId: string) => Promise<unknown>): TimerDb => ({
      ...h.db,
      orders: {
        ...h.db.orders,
        async createFromConversation(input) {
          await during(input.conversationId);
          return { status: "rejected", reason: "no_items" };
        },
      },
    });

    const phone = nextPhone();
    await worker.say(phone, "hola", ...DATA);
    const offered = await worker.conversation(phone);
    // Nobody else acted: the conversation goes back to promos.
    expect(
      await placeTimeoutOrder(
        refusing(async () => {}),
        offered._id,
        offered.episode,
      ),
    ).toEqual({
      ok: false,
      reason: "refused",
    });
    const back = await worker.conversation(phone);
    expect([back.mode, back.episode]).toEqual(["promos", offered.episode + 2]);

    // This time a person takes the conversation and hands it back to approval meanwhile: their
    // move stands.
    const person = async (id: string) => {
      await h.db.conversations.setMode(id, "awaiting_approval", "handoff");
      await h.db.conversations.setMode(id, "handoff", "awaiting_approval");
    };
    expect(await placeTimeoutOrder(refusing(person), back._id, back.episode)).toEqual({
      ok: false,
      reason: "refused",
    });
    const after = await worker.conversation(phone);
    expect([after.mode, after.episode]).toEqual(["awaiting_approval", back.episode + 3]);
  });

  it("is cancelled by the customer's own order", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola", ...DATA);
    await worker.say(phone, "3");
    await worker.say(phone, "sí");
    await advance(15 * MINUTE);
    const conversation = await worker.conversation(phone);
    const orders = await h.db.orders.listByConversation(conversation._id);
    expect(orders.map((o) => [o.source, o.totalMinor])).toEqual([["agent", 119_900]]);
  });
});

describe("quiet hours", () => {
  it("holds a nudge due outside business hours until the next opening", async () => {
    // Open one hour a day, starting two hours from now (UTC): it is closed now.
    const openHour = (new Date(h.engine.nowMs()).getUTCHours() + 2) % 24;
    const hh = (n: number) => String(n).padStart(2, "0");
    const quiet = await h.startAgentWorker("quiet", {
      BUSINESS_TIMEZONE: "UTC",
      BUSINESS_HOURS: `${hh(openHour)}:00-${hh(openHour + 1)}:00`,
      BUSINESS_DAYS: "sun-sat",
    });
    const phone = nextPhone();
    await quiet.say(phone, "hola");
    expect(quiet.received(phone)).toHaveLength(2); // answering is not proactive: no quiet hours

    await advance(6 * MINUTE + 1_000);
    expect(nudgesTo(quiet, phone)).toHaveLength(0);
    const opening = nextOpening(new Date(h.engine.nowMs()), {
      timezone: "UTC",
      hours: quiet.config.business.hours,
      days: quiet.config.business.days,
    }).getTime();
    await advance(opening - h.engine.nowMs() - MINUTE);
    expect(nudgesTo(quiet, phone)).toHaveLength(0);

    await advance(MINUTE + 1_000);
    const [nudge] = nudgesTo(quiet, phone);
    expect(nudge?.text).toBe(FIRST_NUDGE);
    expect(Date.parse(nudge?.at ?? "")).toBeGreaterThanOrEqual(opening);
  });
});
