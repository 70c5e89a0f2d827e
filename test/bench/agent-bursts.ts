// Brain calls per customer burst, through the real agent function (report only, no assertions).
// Run by `npm run bench:agent` after the prompt-prefix report (agent-prompt.bench.ts).
//
// Embedded MongoDB, the local Inngest engine, a worker with sandbox phones and the sales agent
// (Claude adapter against the fake Messages API, default 2 s debounce). CUSTOMERS customers each
// write a burst of BURST messages within one second (BURST_GAP_MS apart), all at the same time; the
// fake API counts the brain calls.
import { startFakeAnthropic } from "../../sandbox/anthropic/index.js";
import { HANDLE_MESSAGE_FUNCTION_ID } from "../../worker/agent/handle-message.js";
import { nextPhone, startAgentHarness } from "../worker/agent/support/agent-harness.js";

const CUSTOMERS = 20;
const BURST = ["hola", "me llamo Ana López", "¿cuánto cuesta el omega?"];
const BURST_GAP_MS = 400;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runBurstBench(): Promise<void> {
  const fake = await startFakeAnthropic();
  const h = await startAgentHarness();
  try {
    const worker = await h.startAgentWorker("bench", {
      ANTHROPIC_API_KEY: "bench",
      ANTHROPIC_BASE_URL: fake.url,
      AGENT_DEBOUNCE: "2s",
    });
    const phones = Array.from({ length: CUSTOMERS }, () => nextPhone());
    const started = performance.now();
    await Promise.all(
      phones.map(async (phone) => {
        for (const [i, text] of BURST.entries()) {
          if (i > 0) await sleep(BURST_GAP_MS);
          await worker.phones.receive({ from: phone, text });
        }
      }),
    );
    // Real time runs the engine clock too; wait out the debounce, then let every run finish.
    await sleep(worker.config.agent.debounceMs + 200);
    await h.engine.settle(60_000);
    const elapsedMs = performance.now() - started;

    const runs = await worker.runs(HANDLE_MESSAGE_FUNCTION_ID);
    const completed = runs.filter((r) => r.status === "completed").length;
    const replied = phones.filter((p) => worker.received(p).length > 0).length;
    const calls = fake.requests.length;
    console.log("");
    console.log(
      `customer bursts: ${CUSTOMERS} customers × ${BURST.length} messages ${BURST_GAP_MS} ms apart (within 1 s), debounce ${worker.config.agent.debounceMs} ms`,
    );
    console.log(`brain calls: ${calls} → ${(calls / CUSTOMERS).toFixed(2)} brain calls per customer burst`);
    console.log(
      `agent runs: ${runs.length} (${completed} completed); customers answered: ${replied}/${CUSTOMERS}; ` +
        `replies per burst: ${(phones.reduce((n, p) => n + worker.received(p).length, 0) / CUSTOMERS).toFixed(1)}`,
    );
    console.log(`first message → all bursts answered: ${(elapsedMs / 1000).toFixed(1)} s wall clock`);
  } finally {
    await h.stop();
    await fake.close();
  }
}
