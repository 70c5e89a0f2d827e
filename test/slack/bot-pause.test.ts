// `/bot pause <phone>` really silences the bot: while a person has the conversation the agent does not
// reply and the data-collection timer does not nudge; `/bot resume <phone>` gives it back and the
// agent answers again. The real agent, timers, engine clock and simulated phone and workspace.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DATA_COLLECTION_TIMER_ID } from "../../worker/timers/data-collection-timer.js";
import type { AgentWorker } from "../worker/agent/support/agent-harness.js";
import { eventually, nextPhone, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

const MINUTE = 60_000;

let h: SlackHarness;
let worker: AgentWorker;

beforeAll(async () => {
  h = await startSlackHarness();
  worker = await h.startAgentWorker("default");
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

async function advance(ms: number): Promise<void> {
  await h.engine.advance(ms);
  await h.engine.settle();
}

async function bot(text: string): Promise<string> {
  const answer = await h.workspace.command({ command: "/bot", text, userId: h.workspace.users.approver.id });
  expect(answer.status).toBe(200);
  return answer.response;
}

describe("a paused conversation", () => {
  it("gets no agent reply and no nudge while paused, and the bot answers again after resume", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola");
    const greeted = worker.received(phone).length;
    expect(greeted).toBeGreaterThan(0);
    const conversation = await worker.conversation(phone);
    expect(conversation.mode).toBe("collecting_data");
    // The data-collection timer is waiting for the customer.
    const [timer] = await worker.runs(DATA_COLLECTION_TIMER_ID, conversation._id);
    expect(timer?.status).toBe("waiting");

    expect(await bot(`pause ${phone}`)).toMatch(/Paused the bot/);
    expect((await worker.conversation(phone)).mode).toBe("handoff");
    // The mode change cancels the timer of the old mode.
    await eventually(
      async () => {
        const [run] = await worker.runs(DATA_COLLECTION_TIMER_ID, conversation._id);
        return run?.status === "cancelled" ? true : undefined;
      },
      10_000,
      "the timer cancelled",
    );

    await worker.say(phone, "me llamo Ana López", "¿hay alguien?");
    await advance(10 * MINUTE);
    await advance(10 * MINUTE);
    expect(worker.received(phone)).toHaveLength(greeted);
    const paused = await worker.conversation(phone);
    expect(paused.mode).toBe("handoff");
    // The messages written while paused were handled silently (the watermark moved), not left for later.
    expect(paused.processedSeq).toBe(paused.lastSeq);

    expect(await bot(`resume ${phone}`)).toMatch(/The bot answers .* again \(mode collecting_data\)/);
    await worker.say(phone, "mi dirección es Av. Reforma 123, Col. Centro");
    expect(worker.received(phone).length).toBeGreaterThan(greeted);
    // And its timers run again: a new data-collection timer waits in the resumed mode.
    const timers = await worker.runs(DATA_COLLECTION_TIMER_ID, conversation._id);
    expect(timers.some((r) => r.status === "waiting")).toBe(true);
  }, 60_000);
});
