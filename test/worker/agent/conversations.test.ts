// Whole conversations as customers have them, end to end: sandbox phone → gateway → local engine →
// handle-message and the promos timer (real SDK) → MongoDB → replies on the phone. Three natural
// walks from "hola" to an order awaiting approval with the offline brain, and the guardrails: a
// turned-down selection is never ordered, the timeout's "answer me" is true, the model can order
// only the selection the customer confirmed, and promises in words are replaced like prices.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeAnthropic } from "../../../sandbox/anthropic/index.js";
import { startFakeAnthropic } from "../../../sandbox/anthropic/index.js";
import {
  nextPhone,
  startAgentHarness,
  type AgentHarness,
  type AgentWorker,
} from "./support/agent-harness.js";

const MINUTE = 60_000;
let h: AgentHarness;
let fake: FakeAnthropic;
let rules: AgentWorker;
let claude: AgentWorker;

beforeAll(async () => {
  h = await startAgentHarness();
  fake = await startFakeAnthropic({ apiKey: "test-key" });
  rules = await h.startAgentWorker("walks", { DATA_COLLECTION_MAX_NUDGES: "0" });
  claude = await h.startAgentWorker("walks-claude", {
    ANTHROPIC_API_KEY: "test-key",
    ANTHROPIC_BASE_URL: fake.url,
    DATA_COLLECTION_MAX_NUDGES: "0",
  });
});
afterAll(async () => {
  await h?.stop();
  await fake?.close();
});

/** What the bot sent in answer to one customer message. */
async function answer(worker: AgentWorker, phone: string, text: string): Promise<string> {
  const before = worker.received(phone).length;
  await worker.say(phone, text);
  return worker.received(phone).slice(before).join("\n");
}

async function ordersOf(worker: AgentWorker, phone: string) {
  const conversation = await worker.conversation(phone);
  return h.db.orders.listByConversation(conversation._id);
}

/** The whole numbered list has 9 options; an answer about one product names only its own. */
const WHOLE_LIST = /^9\. /m;

describe("three customers, from hola to an order awaiting approval (offline brain)", () => {
  it("asks about colágeno, wants 2 while giving data, confirms once the data is complete", async () => {
    const phone = nextPhone();
    const hello = await answer(rules, phone, "hola");
    expect(hello).toContain("me falta tu nombre, tu dirección de entrega y tu ciudad");
    expect(hello).not.toContain("teléfono");

    const price = await answer(rules, phone, "cuánto cuesta el colágeno?");
    expect(price).toMatch(
      /Colágeno hidrolizado[\s\S]*\$499\.00 MXN[\s\S]*\$899\.00 MXN[\s\S]*\$1,199\.00 MXN/,
    );
    expect(price).not.toMatch(WHOLE_LIST);
    expect(price).not.toContain("me falta");

    const two = await answer(rules, phone, "quiero 2");
    expect(two).toMatch(/Tu selección:\n• 1 × Colágeno[^\n]*\(2x\): \$899\.00 MXN/);
    expect(two).toContain("me falta tu nombre, tu dirección de entrega y tu ciudad");

    const data = await answer(rules, phone, "soy Ana, vivo en Av Reforma 123 CDMX");
    expect(data).toContain("¡Gracias Ana! Ya tengo tus datos completos.");
    expect(data).toMatch(/Total: \$899\.00 MXN\n¿Confirmas tu pedido\?/);
    expect(data).not.toMatch(WHOLE_LIST);
    expect(data).not.toMatch(/No pude registrar|me falta/);

    const yes = await answer(rules, phone, "sí");
    expect(yes).toMatch(/^¡Listo! Registré tu pedido:/);
    const conversation = await rules.conversation(phone);
    expect(conversation).toMatchObject({
      mode: "awaiting_approval",
      collected: { name: "Ana", phone, address: "Av Reforma 123", city: "CDMX" },
    });
    expect((await ordersOf(rules, phone)).map((o) => [o.status, o.source, o.totalMinor])).toEqual([
      ["pending_approval", "agent", 89_900],
    ]);
  });

  it("asks about magnesio first, gives another phone and the rest in one line, says 'va'", async () => {
    const phone = nextPhone();
    const info = await answer(rules, phone, "Buenas tardes, info del magnesio porfa");
    expect(info).toMatch(/^¡Hola! Gracias por escribirnos\./);
    expect(info).toMatch(/Magnesio \+ zinc[\s\S]*\$349\.00 MXN/);
    expect(info).not.toContain("Colágeno");

    // A quantity of the product in question, not option 2 of the list (a colágeno pack).
    const two = await answer(rules, phone, "quiero 2");
    expect(two).toMatch(/• 1 × Magnesio \+ zinc[^\n]*\(2x\): \$629\.00 MXN/);
    expect(two).not.toContain("Colágeno");

    await answer(rules, phone, "mi cel es 33 1234 5678");
    const data = await answer(rules, phone, "Ana Martínez, Av Juárez 45, Guadalajara");
    expect(data).toMatch(/Total: \$629\.00 MXN\n¿Confirmas tu pedido\?/);

    await answer(rules, phone, "va");
    expect(await rules.conversation(phone)).toMatchObject({
      mode: "awaiting_approval",
      collected: {
        name: "Ana Martínez",
        phone: "+523312345678",
        address: "Av Juárez 45",
        city: "Guadalajara",
      },
    });
    expect((await ordersOf(rules, phone)).map((o) => o.totalMinor)).toEqual([62_900]);
  });

  it("gives the data first, sees the list, hesitates, changes their mind and says 'dale'", async () => {
    const phone = nextPhone();
    await answer(rules, phone, "hola buenas");
    await answer(rules, phone, "me llamo Luis Hernández");
    const list = await answer(rules, phone, "vivo en calle Hidalgo 45 col centro GDL");
    expect(list).toMatch(WHOLE_LIST);
    expect((await rules.conversation(phone)).collected).toMatchObject({
      address: "calle Hidalgo 45 col centro",
      city: "Guadalajara",
    });

    const which = await answer(rules, phone, "quiero colágeno");
    expect(which).toMatch(/¿Cuál te gustaría\?[\s\S]*opción 1[\s\S]*opción 2[\s\S]*opción 3/);
    const three = await answer(rules, phone, "dame 3");
    expect(three).toMatch(/\(3x\): \$1,199\.00 MXN/);
    const changed = await answer(rules, phone, "no, mejor 2 frascos de omega");
    expect(changed).toMatch(/• 1 × Omega 3[^\n]*\(2x\): \$729\.00 MXN/);

    const done = await answer(rules, phone, "dale");
    expect(done).toMatch(/^¡Listo! Registré tu pedido:\n• 1 × Omega 3/);
    expect((await ordersOf(rules, phone)).map((o) => o.totalMinor)).toEqual([72_900]);
    expect((await rules.conversation(phone)).mode).toBe("awaiting_approval");
  });
});

describe("guardrails (offline brain)", () => {
  async function atPromos(worker: AgentWorker): Promise<string> {
    const phone = nextPhone();
    await worker.say(phone, "hola");
    await worker.say(phone, "soy Ana López, vivo en Av Reforma 123 CDMX");
    expect((await worker.conversation(phone)).mode).toBe("promos");
    return phone;
  }

  it("a selection turned down is gone: the promos timeout orders nothing", async () => {
    const phone = await atPromos(rules);
    await answer(rules, phone, "2");
    expect((await rules.conversation(phone)).orderDraft?.lines).toHaveLength(1);
    const no = await answer(rules, phone, "no, del magnesio");
    expect(no).toMatch(/Magnesio \+ zinc/);
    expect((await rules.conversation(phone)).orderDraft).toBeUndefined();

    const before = rules.received(phone).length;
    for (let i = 0; i < 12; i += 1) await h.engine.advance(MINUTE);
    expect(await ordersOf(rules, phone)).toEqual([]);
    expect(rules.received(phone)).toHaveLength(before);
    expect((await rules.conversation(phone)).mode).toBe("promos");
  });

  it("after the timeout's order, answering with another option reaches a person who changes it", async () => {
    const phone = await atPromos(rules);
    for (let i = 0; i < 11; i += 1) await h.engine.advance(MINUTE);
    const [order] = await ordersOf(rules, phone);
    expect(order).toMatchObject({ source: "promos-timeout", status: "pending_approval" });
    const notice = rules.received(phone).at(-1) ?? "";
    expect(notice).toContain("Si prefieres otra opción, respóndeme con el número o el producto");

    const other = await answer(rules, phone, "prefiero la 5");
    expect(other).toContain("Le paso tu cambio a una persona de nuestro equipo");
    expect(other).not.toContain("ya está registrado");
    const conversation = await rules.conversation(phone);
    expect(conversation.mode).toBe("handoff");
    const handoffs = h.agentEvents.filter(
      (e) => e.name === "agent/handoff.requested" && e.data["conversationId"] === conversation._id,
    );
    expect(handoffs).toHaveLength(1);
  });
});

describe("guardrails (Claude adapter against the fake Messages API)", () => {
  async function atPromos(): Promise<string> {
    const phone = nextPhone();
    await claude.say(phone, "hola");
    await claude.say(phone, "me llamo Ana López, vivo en Av Reforma 123 CDMX");
    expect((await claude.conversation(phone)).mode).toBe("promos");
    return phone;
  }

  it("a model that orders the 3-pack when the customer confirmed the 2-pack gets no order", async () => {
    const phone = await atPromos();
    await claude.say(phone, "2");
    expect((await claude.conversation(phone)).orderDraft?.lines).toEqual([
      { sku: "COLAGENO-500", pack: "2x", qty: 1 },
    ]);
    fake.enqueueMessage(
      [
        { type: "text", text: "¡Listo! Registré tu pedido del paquete de 3." },
        { type: "tool_use", name: "create_order", input: { items: [{ packId: "COLAGENO-500:3x", qty: 1 }] } },
      ],
      { stopReason: "tool_use" },
    );
    const reply = await answer(claude, phone, "sí");
    expect(await ordersOf(claude, phone)).toEqual([]);
    expect(reply).not.toMatch(/Registré/);
    expect(reply).toMatch(/Tu selección:\n• 1 × Colágeno[^\n]*\(2x\)[\s\S]*¿Confirmas tu pedido\?/);

    // The confirmation of what the customer chose does become the order.
    await claude.say(phone, "sí");
    expect((await ordersOf(claude, phone)).map((o) => o.totalMinor)).toEqual([89_900]);
  });

  it("a model that 'changes' an order waiting for approval hands it to a person instead", async () => {
    const phone = await atPromos();
    await claude.say(phone, "2");
    await claude.say(phone, "sí");
    const [order] = await ordersOf(claude, phone);
    expect(order).toMatchObject({ status: "pending_approval", totalMinor: 89_900 });
    fake.enqueueMessage(
      [
        { type: "text", text: "¡Listo! Cambié tu pedido al magnesio." },
        {
          type: "tool_use",
          name: "select_packs",
          input: { items: [{ packId: "MAGNESIO-ZINC:1x", qty: 1 }] },
        },
      ],
      { stopReason: "tool_use" },
    );
    const reply = await answer(claude, phone, "mejor cámbialo por magnesio");
    expect(reply).not.toContain("Cambié");
    expect(reply).toContain("Le paso tu cambio a una persona de nuestro equipo");
    expect((await claude.conversation(phone)).mode).toBe("handoff");
    expect((await ordersOf(claude, phone)).map((o) => [o.status, o.totalMinor])).toEqual([
      ["pending_approval", 89_900],
    ]);
  });

  it("a reply promising a gift or a free item in words is replaced by the official list", async () => {
    const phone = await atPromos();
    fake.enqueueText("¡Claro! Te lo dejo gratis y te mando 2 frascos de regalo, sin costo de envío.");
    const reply = await answer(claude, phone, "me lo regalas? porfa");
    expect(reply).not.toMatch(/gratis|regalo|sin costo/i);
    expect(reply).toContain("Los precios son los de nuestra lista oficial:");
    expect(reply).toMatch(WHOLE_LIST);
    expect(await ordersOf(claude, phone)).toEqual([]);
  });
});
