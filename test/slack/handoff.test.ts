// The handoff inbox through the real Bolt app, the simulated workspace, the real agent and the
// engine clock: one card per handoff episode, the customer's messages in its thread, a staff reply
// in the thread reaching the customer once (even when Slack delivers the event twice), "Resume bot"
// and the automatic resume giving the conversation back to the agent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RESUME_ACTION_ID } from "../../slack/handoff/card.js";
import { BrainUnavailableError } from "../../worker/agent/brain/errors.js";
import type { Brain } from "../../worker/agent/brain/types.js";
import type { AgentWorker } from "../worker/agent/support/agent-harness.js";
import { eventually, nextPhone, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

const HOUR = 3_600_000;

let h: SlackHarness;
let worker: AgentWorker;
/** A second WhatsApp number whose model refuses every request (a bad key, say). */
let brainless: AgentWorker;
const failingBrain: Brain = {
  kind: "claude",
  decide: () =>
    Promise.reject(new BrainUnavailableError("Anthropic API 401 authentication_error", "anthropic-api", 401)),
};

beforeAll(async () => {
  h = await startSlackHarness({ env: { HANDOFF_AUTO_RESUME: "12h" } });
  worker = await h.startAgentWorker("default");
  brainless = await h.startAgentWorker("brainless", {}, failingBrain);
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

type Message = Awaited<ReturnType<SlackHarness["workspace"]["messages"]>>[number];

async function cardsFor(phone: string): Promise<Message[]> {
  const all = await h.workspace.messages("handoff");
  return all.filter((m) => !m.thread_ts && m.text.includes(phone));
}

async function cardOf(phone: string, index = 0): Promise<Message> {
  return eventually(async () => (await cardsFor(phone))[index], 15_000, `handoff card ${index} for ${phone}`);
}

async function threadOf(card: Message): Promise<Message[]> {
  const all = await h.workspace.messages("handoff");
  return all.filter((m) => m.thread_ts === card.ts && m.ts !== card.ts);
}

/** The "Resume bot" button's value on a card. */
function resumeValue(card: Message): string {
  const blocks = (card.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
  const value = blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === RESUME_ACTION_ID)?.value;
  if (!value) throw new Error("the card has no Resume bot button");
  return value;
}

async function settle(): Promise<void> {
  await h.engine.advance(100);
  await h.engine.settle();
}

async function handOver(phone: string): Promise<Message> {
  await worker.say(phone, "hola");
  await worker.say(phone, "quiero hablar con una persona");
  expect((await worker.conversation(phone)).mode).toBe("handoff");
  return cardOf(phone);
}

describe("the handoff inbox", () => {
  it("posts one card; mirrors the customer; a staff reply reaches the customer once; Resume bot gives it back", async () => {
    const phone = nextPhone();
    const card = await handOver(phone);
    await settle();
    expect(await cardsFor(phone)).toHaveLength(1);
    expect(card.text).toContain("is with a person");
    const shown = JSON.stringify(card.blocks);
    expect(shown).toContain("the customer asked for a person");
    expect(shown).toContain("quiero hablar con una persona"); // the last messages
    expect(shown).toContain(RESUME_ACTION_ID);

    // The customer writes: the bot stays silent, the message appears in the thread.
    const before = worker.received(phone).length;
    await worker.say(phone, "¿tienen envío a Monterrey?");
    await eventually(
      async () =>
        (await threadOf(card)).some((m) => m.text.includes("¿tienen envío a Monterrey?")) ? true : undefined,
      15_000,
      "the customer message in the thread",
    );
    expect(worker.received(phone)).toHaveLength(before);

    // A staff reply in the thread, delivered twice by Slack, reaches the customer once.
    const staff = h.workspace.users.approver.id;
    await h.workspace.postMessage({
      channel: "handoff",
      thread_ts: card.ts,
      userId: staff,
      text: "Sí, enviamos a Monterrey en 2 días",
    });
    const redelivered = await h.workspace.redeliverLast();
    expect(redelivered.status).toBe(200);
    await eventually(
      async () => (worker.received(phone).includes("Sí, enviamos a Monterrey en 2 días") ? true : undefined),
      15_000,
      "the staff reply on WhatsApp",
    );
    await settle();
    expect(worker.received(phone).filter((t) => t === "Sí, enviamos a Monterrey en 2 días")).toHaveLength(1);
    // Stored as an outbound message written by that staff member.
    const conversation = await worker.conversation(phone);
    const stored = await h.db.db
      .collection("messages")
      .find({ conversationId: conversation._id, origin: "staff" })
      .toArray();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.["author"]).toBe(staff);

    // An internal note stays in Slack.
    await h.workspace.postMessage({
      channel: "handoff",
      thread_ts: card.ts,
      userId: staff,
      text: "// cliente frecuente",
    });
    await settle();
    expect(worker.received(phone).some((t) => t.includes("cliente frecuente"))).toBe(false);

    // Resume bot: the card says who, and the agent answers again.
    const threadId = resumeValue(card);
    const click = await h.workspace.click({
      channel: card.channel,
      ts: card.ts,
      actionId: RESUME_ACTION_ID,
      value: threadId,
      userId: staff,
    });
    expect(click.status).toBe(200);
    expect((await worker.conversation(phone)).mode).not.toBe("handoff");
    const updated = await eventually(
      async () => (await cardsFor(phone)).find((m) => JSON.stringify(m.blocks).includes("Bot resumed by")),
      10_000,
      "the card showing the resume",
    );
    expect(JSON.stringify(updated.blocks)).toContain(`<@${staff}>`);
    expect(JSON.stringify(updated.blocks)).not.toContain(RESUME_ACTION_ID);
    const answered = worker.received(phone).length;
    await worker.say(phone, "me llamo Ana López");
    expect(worker.received(phone).length).toBeGreaterThan(answered);

    // A second click on the old card is told who resumed.
    const again = await h.workspace.click({
      channel: card.channel,
      ts: card.ts,
      actionId: RESUME_ACTION_ID,
      value: threadId,
      userId: h.workspace.users.admin.id,
    });
    expect(again.ephemeral.join("\n")).toMatch(/Already resumed by/);

    // A second handoff of the same conversation gets a new card that links the previous one.
    await worker.say(phone, "mejor quiero un asesor");
    const second = await cardOf(phone, 1);
    expect(JSON.stringify(second.blocks)).toContain("Previous handoff");
  }, 120_000);

  it("hands the conversation to a person with a card when the agent's model fails", async () => {
    const phone = nextPhone();
    await brainless.say(phone, "hola, quiero colágeno");
    expect(brainless.received(phone)).toEqual([
      "Disculpa, tuve un problema para responderte. Una persona de nuestro equipo te escribirá en breve.",
    ]);
    expect((await brainless.conversation(phone)).mode).toBe("handoff");
    const card = await cardOf(phone);
    expect(JSON.stringify(card.blocks)).toContain("the agent's model failed");
    expect(JSON.stringify(card.blocks)).toContain("hola, quiero colágeno");

    // The customer writes again: no second fallback, the message goes to the card's thread.
    await brainless.say(phone, "¿hay alguien?");
    expect(brainless.received(phone)).toHaveLength(1);
    await eventually(
      async () => ((await threadOf(card)).some((m) => m.text.includes("¿hay alguien?")) ? true : undefined),
      15_000,
      "the customer message in the thread",
    );
    await settle();
    expect(await cardsFor(phone)).toHaveLength(1);
  }, 60_000);

  it("gives the conversation back to the bot after HANDOFF_AUTO_RESUME without a staff reply, on the engine clock", async () => {
    const phone = nextPhone();
    const card = await handOver(phone);
    await settle();
    await h.engine.advance(11 * HOUR);
    await h.engine.settle();
    expect((await worker.conversation(phone)).mode).toBe("handoff");
    // A staff reply pushes the deadline back.
    await h.workspace.postMessage({
      channel: "handoff",
      thread_ts: card.ts,
      userId: h.workspace.users.admin.id,
      text: "Te ayudo en un momento",
    });
    await eventually(
      async () => (worker.received(phone).includes("Te ayudo en un momento") ? true : undefined),
      15_000,
      "reply sent",
    );
    await h.engine.advance(2 * HOUR);
    await h.engine.settle();
    expect((await worker.conversation(phone)).mode).toBe("handoff");
    await h.engine.advance(11 * HOUR);
    await h.engine.settle();
    await eventually(
      async () => ((await worker.conversation(phone)).mode !== "handoff" ? true : undefined),
      15_000,
      "the automatic resume",
    );
    await eventually(
      async () =>
        (await threadOf(card)).some((m) => m.text.includes("the bot answers this customer again"))
          ? true
          : undefined,
      10_000,
      "the thread saying so",
    );
    const answered = worker.received(phone).length;
    await worker.say(phone, "me llamo Ana López");
    expect(worker.received(phone).length).toBeGreaterThan(answered);
  }, 120_000);
});
