import { createHash } from "node:crypto";
import { InngestTestEngine } from "@inngest/test";
import type { Inngest } from "inngest";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startLocalEngine } from "../../../sandbox/engine/index.js";
import type { LocalEngine } from "../../../sandbox/engine/index.js";
import { advance, waitForRuns } from "./support/engine-client.js";
import { sendEvents } from "./support/send.js";
import { createClient, serveApp } from "./support/test-app.js";

// Differential check against a tool we did not write: where @inngest/test 1.0.0 runs a function
// correctly (step.run chains, repeated step ids, parallel steps, a mocked sleep), the engine must
// produce the same output and the same memoized step results (state keyed by sha1 of the step id).
const sha1 = (s: string) => createHash("sha1").update(s).digest("hex");
let engine: LocalEngine;
let app: { url: string; stop(): Promise<void> };
/** The function under comparison, built for a given client (one for each side). */
function makePricing(inngest: Inngest) {
  return inngest.createFunction(
    { id: "pricing", triggers: [{ event: "test/price" }] },
    async ({ event, step }) => {
      const qty = event.data.qty as number;
      const unit = await step.run("unit-price", () => (qty >= 10 ? 8 : 10));
      let total = 0;
      for (let i = 0; i < 3; i++) {
        // the same id three times: the SDK indexes them "line", "line:1", "line:2"
        total += await step.run("line", () => unit * qty + i);
      }
      const [tax, fee] = await Promise.all([
        step.run("tax", () => Math.round(total * 0.19)),
        step.run("fee", () => (total > 100 ? 0 : 5)),
      ]);
      await step.sleep("cool-off", "1m");
      return { unit, total, tax, fee, grand: total + tax + fee };
    },
  );
}
const pricing = makePricing(createClient({ engineUrl: "http://127.0.0.1:1", id: "diff" }));

beforeAll(async () => {
  engine = await startLocalEngine({ memory: true, quiet: true });
  const real = createClient({ engineUrl: engine.url, id: "diff" });
  app = await serveApp(real, [makePricing(real)]);
  expect((await engine.syncApp(app.url)).ok).toBe(true);
});

afterAll(async () => {
  await app?.stop();
  await engine?.stop();
});

describe("engine vs @inngest/test", () => {
  test.each([{ qty: 3 }, { qty: 12 }])("same output and step state for %o", async (data) => {
    const t = new InngestTestEngine({
      function: pricing,
      events: [{ name: "test/price", data }] as never,
    });
    const expected = await t.execute({ steps: [{ id: "cool-off", handler() {} }] });
    expect(expected.error).toBeUndefined();

    await sendEvents(engine.url, [{ name: "test/price", data }]);
    const isMine = (r: { event: unknown }) => (r.event as { data: { qty: number } }).data.qty === data.qty;
    await waitForRuns(engine.url, "diff-pricing", (r) => r.some((x) => isMine(x) && x.status === "sleeping"));
    await advance(engine.url, 61_000);
    const runs = await waitForRuns(engine.url, "diff-pricing", (r) =>
      r.some((x) => isMine(x) && x.status === "completed"),
    );
    const run = runs.find(isMine);
    expect(run?.output).toEqual(expected.result);

    for (const id of ["unit-price", "line", "line:1", "line:2", "tax", "fee"]) {
      const ours = run?.steps.find((s) => s.id === id)?.output;
      await expect(expected.state[sha1(id)] as Promise<unknown>).resolves.toEqual(ours);
    }
  });
});
