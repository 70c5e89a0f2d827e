// Benchmark of the local Inngest engine with the real SDK (report only, no assertions):
//   npx tsx test/bench/engine.bench.ts [--store memory|mongo]
// - events/s ingested by POST /e (batches of 100, and one event per request from 10 and from 1,000
//   concurrent senders)
// - runs/s for a 3-step function, and the step round-trip (time from one step starting to the next
//   one starting: SDK answer -> engine writes memo -> next call), at 10 and at 1,000 concurrent runs.
// - with the mongo store: MongoDB commands the engine sent per run (driver command monitoring).
import { MongoClient } from "mongodb";
import { MongoStore, startLocalEngine } from "../../sandbox/engine/index.js";
import type { LocalEngine } from "../../sandbox/engine/index.js";
import { startEmbeddedMongo } from "../../sandbox/mongo/index.js";
import { createClient, serveApp } from "../sandbox/engine/support/test-app.js";

const storeKind = process.argv.includes("--store")
  ? process.argv[process.argv.indexOf("--store") + 1]
  : "mongo";

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

async function post(url: string, body: unknown): Promise<void> {
  const res = await fetch(url, { method: "POST", body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: ${res.status}`);
  await res.text();
}

async function ingestBench(engine: LocalEngine): Promise<void> {
  const total = 5000;
  let t = performance.now();
  for (let i = 0; i < total; i += 100) {
    await post(
      `${engine.url}/e/bench`,
      Array.from({ length: 100 }, (_, j) => ({ name: "bench/unrouted", data: { i: i + j } })),
    );
  }
  const batched = total / ((performance.now() - t) / 1000);
  console.log(`ingest: ${batched.toFixed(0)} events/s in batches of 100 (one sender)`);
  for (const senders of [10, 1000]) {
    const single = Math.max(2000, senders * 2);
    t = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: senders }, async () => {
        while (next < single) {
          const i = next++;
          await post(`${engine.url}/e/bench`, [{ name: "bench/unrouted", data: { i } }]);
        }
      }),
    );
    const rate = single / ((performance.now() - t) / 1000);
    console.log(
      `ingest: ${rate.toFixed(0)} events/s one event per request, ${senders} concurrent senders (${single} events)`,
    );
  }
}

async function main(): Promise<void> {
  const mongo = storeKind === "mongo" ? await startEmbeddedMongo({ quiet: true }) : undefined;
  const client = mongo ? new MongoClient(mongo.uri, { monitorCommands: true }) : undefined;
  let commands = 0;
  client?.on("commandStarted", () => commands++);
  await client?.connect();
  const engine = await startLocalEngine({
    quiet: true,
    ...(client
      ? { store: await MongoStore.fromDb(client, client.db("inngest_local_engine")) }
      : { memory: true }),
  });
  const starts = new Map<string, number[]>();
  const inngest = createClient({ engineUrl: engine.url, id: "bench" });
  const threeSteps = inngest.createFunction(
    { id: "three-steps", triggers: [{ event: "bench/go" }] },
    async ({ event, step }) => {
      for (const name of ["one", "two", "three"]) {
        await step.run(name, () => {
          const key = String(event.data.id);
          const list = starts.get(key) ?? [];
          list.push(performance.now());
          starts.set(key, list);
          return name;
        });
      }
      return "done";
    },
  );
  const app = await serveApp(inngest, [threeSteps]);
  await engine.syncApp(app.url);
  console.log(`local engine benchmark, store=${storeKind}, node ${process.version}`);
  await ingestBench(engine);

  let batch = 0;
  for (const n of [10, 1000]) {
    starts.clear();
    batch++;
    const commandsBefore = commands;
    const t = performance.now();
    await post(
      `${engine.url}/e/bench`,
      Array.from({ length: n }, (_, i) => ({ name: "bench/go", data: { id: `${batch}-${i}` } })),
    );
    const settled = await engine.settle(300_000);
    const seconds = (performance.now() - t) / 1000;
    if (!settled) {
      console.log(
        `${String(n).padStart(4)} concurrent runs: TIMEOUT, not settled after ${seconds.toFixed(0)} s`,
      );
      process.exitCode = 1;
      continue;
    }
    const gaps: number[] = [];
    for (const list of starts.values())
      for (let i = 1; i < list.length; i++) gaps.push(list[i]! - list[i - 1]!);
    gaps.sort((a, b) => a - b);
    const perRun = client ? `; ${((commands - commandsBefore) / n).toFixed(2)} mongo commands/run` : "";
    console.log(
      `${String(n).padStart(4)} concurrent runs: ${(n / seconds).toFixed(1)} runs/s (3 steps each, ${seconds.toFixed(2)} s); ` +
        `step round-trip median ${percentile(gaps, 50).toFixed(1)} ms, p99 ${percentile(gaps, 99).toFixed(1)} ms${perRun}`,
    );
  }
  await app.stop();
  await engine.stop();
  await client?.close();
  await mongo?.stop();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
