// Opting back in returns the conversation to the mode it had, and that mode's timer starts again: a
// customer who stopped while giving their data, then wrote START, is nudged after 6 minutes of
// silence like any other (and was not nudged while opted out).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modeChangedEventId } from "../../worker/keys.js";
import {
  eventsFor,
  nextPhone,
  startAgentHarness,
  type AgentHarness,
  type AgentWorker,
} from "./agent/support/agent-harness.js";

const MINUTE = 60_000;

let h: AgentHarness;
let worker: AgentWorker;

beforeAll(async () => {
  h = await startAgentHarness();
  worker = await h.startAgentWorker("optin");
});
afterAll(async () => {
  await h?.stop();
});

const nudgesTo = (phone: string) =>
  worker.phones.outbound(phone).filter((m) => m.dedupeKey.startsWith("nudge:"));

async function advance(ms: number): Promise<void> {
  await h.engine.advance(ms);
  await h.engine.settle();
}

describe("opt-in", () => {
  it("re-arms the data-collection timer when the conversation returns to collecting data", async () => {
    const phone = nextPhone();
    await worker.say(phone, "hola");
    expect((await worker.conversation(phone)).mode).toBe("collecting_data");

    await worker.say(phone, "STOP");
    expect((await worker.conversation(phone)).mode).toBe("opted_out");
    await advance(7 * MINUTE);
    expect(nudgesTo(phone)).toHaveLength(0);

    await worker.say(phone, "START");
    const conversation = await worker.conversation(phone);
    expect(conversation).toMatchObject({ optedOut: false, mode: "collecting_data" });
    const changes = eventsFor(h, "agent/mode.changed", conversation._id);
    expect(changes.at(-1)).toMatchObject({
      id: modeChangedEventId(conversation._id, conversation.episode),
      data: { from: "opted_out", to: "collecting_data", contactId: conversation.contactId },
    });

    await advance(5 * MINUTE);
    expect(nudgesTo(phone)).toHaveLength(0);
    await advance(MINUTE + 1_000);
    expect(nudgesTo(phone).map((m) => m.dedupeKey)).toEqual([
      `nudge:data_collection:${conversation._id}:${conversation.episode}:1`,
    ]);
  }, 30_000);
});
