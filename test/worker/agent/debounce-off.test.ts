// AGENT_DEBOUNCE=0s through the real SDK and the local engine: every customer message starts its own
// turn at once, with no quiet period on the engine's clock.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HANDLE_MESSAGE_FUNCTION_ID } from "../../../worker/agent/handle-message.js";
import { countingBrain, nextPhone, startAgentHarness, type AgentHarness } from "./support/agent-harness.js";

let h: AgentHarness;

beforeAll(async () => {
  h = await startAgentHarness();
});

afterAll(async () => {
  await h?.stop();
});

describe("AGENT_DEBOUNCE=0s", () => {
  it("answers each message with its own turn, without waiting for a quiet period", async () => {
    const brain = countingBrain();
    const worker = await h.startAgentWorker("nodebounce", { AGENT_DEBOUNCE: "0s" }, brain);
    const phone = nextPhone();
    const clockBefore = h.engine.nowMs();

    await worker.phones.receive({ from: phone, text: "hola" });
    await worker.phones.waitForOutbound(phone, () => true, 30_000);
    await h.engine.settle();
    const afterFirst = worker.received(phone).length;
    await worker.phones.receive({ from: phone, text: "¿cuánto cuesta?" });
    await worker.phones.waitForOutbound(phone, () => worker.received(phone).length > afterFirst, 30_000);
    await h.engine.settle();

    // Nobody moved the engine's clock: the turns ran because nothing was debounced.
    expect(h.engine.nowMs() - clockBefore).toBeLessThan(60_000);
    expect(brain.calls.map((c) => c.newMessages.map((m) => m.text))).toEqual([["hola"], ["¿cuánto cuesta?"]]);
    const runs = await worker.runs(HANDLE_MESSAGE_FUNCTION_ID);
    expect(runs.map((r) => r.status)).toEqual(["completed", "completed"]);
  });
});
