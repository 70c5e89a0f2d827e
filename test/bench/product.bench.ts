// Whole-product benchmark (report only, no timing assertions): `npm run bench [-- --quick]`.
//
// Drives npm start's composition (sandbox/compose.ts: embedded MongoDB with a data directory, the
// local engine, the worker with simulated phones, the Slack side, the offline rules brain) with
// simulated customers, and prints one table:
// - lanes of N concurrent customers, each holding a 5-turn conversation (send, wait for the reply,
//   send the next) with AGENT_DEBOUNCE=0s, and a burst lane (3 messages within a second, debounce on);
// - a growth lane: the 100-customer lane after 1,000 and after 20,000 stored conversations (seeded by
//   bulk inserts, not through the engine), and the ratio of their CPU cost per message;
// - a floor: the same messages through a bare path (store, compute the same reply, send; no engine).
// Every message must get exactly one reply turn (one set of replies under its own watermark), or the
// run fails with exit code 1.
//
// Flags (or BENCH_* variables): --quick (lanes 10,50; growth 200,2000; 10 bursts), --lanes 10,100,1000,
// --turns 5, --bursts 20, --growth 1000,20000, --floor-customers 100, --mongo in-process|child,
// --engine in-process|child (--growth none, --bursts 0, --floor-customers 0 leave a lane out).
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Server } from "node:http";
import { loadConfig, type Config } from "../../shared/config/index.js";
import type { DbHandle } from "../../shared/db/index.js";
import { useEnvironmentSnapshot } from "../../shared/inngest.js";
import { createLogger } from "../../shared/logger.js";
import { startSandbox, type RunningSandbox } from "../../sandbox/compose.js";
import type { SandboxPhones } from "../../sandbox/phones/index.js";
import { createBrain } from "../../worker/agent/brain/index.js";
import type { Brain } from "../../worker/agent/brain/types.js";
import { deliverReplies } from "../../worker/agent/turn/deliver-replies.js";
import { loadTurnState } from "../../worker/agent/turn/load-state.js";
import { replyDedupeKey } from "../../worker/keys.js";

// ---- options -------------------------------------------------------------------------------------

const argv = process.argv.slice(2);
const quick = argv.includes("--quick") || process.env.BENCH_QUICK === "1";
function option(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  if (i >= 0 && argv[i + 1]) return argv[i + 1]!;
  return process.env[`BENCH_${name.toUpperCase().replace(/-/g, "_")}`] ?? fallback;
}
const numbers = (s: string) => (s === "none" ? [] : s.split(",").map((x) => Number(x.trim())));
const LANES = numbers(option("lanes", quick ? "10,50" : "10,100,1000"));
const TURNS = Number(option("turns", "5"));
const BURSTS = Number(option("bursts", quick ? "10" : "20"));
const GROWTH = numbers(option("growth", quick ? "200,2000" : "1000,20000"));
/** Where the embedded MongoDB runs: child (its own process, as npm start runs it) or in-process. */
const MONGO_IN = option("mongo", "child") as "in-process" | "child";
/** Where the local engine runs: child (its own process, as npm start runs it) or in-process. */
const ENGINE_IN = option("engine", "child") as "in-process" | "child";
const FLOOR_CUSTOMERS = Number(option("floor-customers", quick ? "50" : "100"));
/** The lane the summary line speaks of (the "100 customers"; the largest lane ≤ 100 in --quick). */
const HEADLINE = LANES.includes(100) ? 100 : Math.max(...LANES.filter((n) => n <= 100));
const REPLY_TIMEOUT_MS = 300_000;

/** What the customers write: five turns that never complete the data (no promos pause, no order). */
const SCRIPT = ["hola", "¿qué productos tienen?", "me llamo Ana López", "¿cuánto cuesta?", "¿hacen envíos?"];
const BURST = ["hola", "me llamo Ana López", "¿cuánto cuesta el omega?"];
const BURST_GAP_MS = 300;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- measuring -----------------------------------------------------------------------------------

interface LaneResult {
  lane: string;
  messages: number;
  msgsPerSec: number;
  p50: number;
  p95: number;
  p99: number;
  appCmds: number;
  engineCmds: number;
  executorReqs: number;
  brainPerBurst: number | undefined;
  peakRssMb: number;
  cpuMsPerMsg: number;
  /** The share of cpuMsPerMsg spent in the MongoDB child (0 with MongoDB in this process). */
  mongoCpuMsPerMsg: number;
  /** The share of cpuMsPerMsg spent in the engine child (0 with the engine in this process). */
  engineCpuMsPerMsg: number;
  /** App commands per message by command and collection, most first. */
  appBreakdown: [string, number][];
  /** The stand-ins' commands per message (not counted as the app's), most first. */
  standInBreakdown: [string, number][];
  /** Executor requests per message by function, most first. */
  executorBreakdown: [string, number][];
  /** Engine commands per message by command and collection, most first. */
  engineBreakdown: [string, number][];
  problems: string[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

/** Collections of the sandbox stand-ins (sandbox/phones, sandbox/slack) on the app's database. */
const STAND_IN_COLLECTION = /^(sandbox_|slack_sim_)/;

class Counters {
  appCmds = 0;
  engineCmds = 0;
  executorReqs = 0;
  brainCalls = 0;
  /** Executor requests by function id. */
  readonly executorByFunction = new Map<string, number>();
  /** App commands by "command collection". */
  readonly appByTarget = new Map<string, number>();
  /** The stand-ins' commands on the app's client, by "command collection". */
  readonly standInByTarget = new Map<string, number>();
  /** Engine commands by "command collection". */
  readonly engineByTarget = new Map<string, number>();
  reset(): void {
    this.appCmds = this.engineCmds = this.executorReqs = this.brainCalls = 0;
    this.appByTarget.clear();
    this.standInByTarget.clear();
    this.engineByTarget.clear();
    this.executorByFunction.clear();
  }
  executor(url: string): void {
    this.executorReqs++;
    const fn = new URL(url, "http://x").searchParams.get("fnId") ?? "?";
    this.executorByFunction.set(fn, (this.executorByFunction.get(fn) ?? 0) + 1);
  }
  engine(commandName: string, collection: string): void {
    this.engineCmds++;
    const key = `${commandName} ${collection}`;
    this.engineByTarget.set(key, (this.engineByTarget.get(key) ?? 0) + 1);
  }
  app(commandName: string, collection: string): void {
    const key = `${commandName} ${collection}`;
    // The stand-ins' own stores (the simulated phones' chats, the simulated Slack workspace) share
    // the app's client but are the outside world's, not the product's: counted apart.
    const target = STAND_IN_COLLECTION.test(collection) ? this.standInByTarget : this.appByTarget;
    if (target === this.appByTarget) this.appCmds++;
    target.set(key, (target.get(key) ?? 0) + 1);
  }
}

/** CPU time (user + system, ms) of a child process so far, from /proc (Linux); 0 without one. */
function childCpuMs(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 1/100 s ticks
  } catch {
    return 0;
  }
}

/** RSS of a child process (bytes), from /proc; 0 without one. */
function childRss(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** Samples the RSS of this process (plus its children: MongoDB, the engine) every 50 ms. */
function rssSampler(childPids: (number | undefined)[]): { stop(): number } {
  const rss = () =>
    process.memoryUsage.rss() + childPids.reduce((sum: number, pid) => sum + childRss(pid), 0);
  let peak = rss();
  const timer = setInterval(() => (peak = Math.max(peak, rss())), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, rss()) / 1024 / 1024;
    },
  };
}

function countingBrain(inner: Brain, counters: Counters): Brain {
  return {
    kind: inner.kind,
    decide(context) {
      counters.brainCalls++;
      return inner.decide(context);
    },
  };
}

function countExecutorRequests(server: Server, counters: Counters): void {
  // Ahead of Express, which rewrites req.url for mounted routers.
  server.prependListener("request", (req: { method?: string; url?: string }) => {
    if (req.method === "POST" && req.url?.startsWith("/api/inngest")) counters.executor(req.url);
  });
}

function benchConfig(dataDir: string, debounce: string): Config {
  return loadConfig({
    LOG_LEVEL: "error",
    SANDBOX_DATA_DIR: dataDir,
    PORT: "0",
    WORKER_PORT: "0",
    SANDBOX_PORT: "0",
    INNGEST_ENGINE_PORT: "0",
    AGENT_DEBOUNCE: debounce,
    AGENT_MODE_TRANSITION_DELAY: "0s",
    BUSINESS_HOURS: "00:00-24:00",
    BUSINESS_DAYS: "sun-sat",
  });
}

interface Stack {
  sandbox: RunningSandbox;
  counters: Counters;
  config: Config;
  stop(): Promise<void>;
}

async function startStack(debounce: string): Promise<Stack> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-product-"));
  const config = benchConfig(dataDir, debounce);
  const counters = new Counters();
  const sandbox = await startSandbox({
    config,
    logger: createLogger(config, { base: { side: "sandbox" } }),
    quiet: true,
    mongoIn: MONGO_IN,
    engineIn: ENGINE_IN,
    brain: countingBrain(createBrain(config), counters),
    onAppCommand: (name, collection) => counters.app(name, collection),
    onEngineCommand: (name, collection) => counters.engine(name, collection),
  });
  countExecutorRequests(sandbox.servers.worker, counters);
  countExecutorRequests(sandbox.servers.web, counters);
  return {
    sandbox,
    counters,
    config,
    async stop() {
      await sandbox.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let phoneCounter = 0;
/** Distinct Mexican mobile numbers, never reused within a run (E.164). */
function nextPhone(): string {
  phoneCounter++;
  return `+52155${String(10_000_000 + phoneCounter).padStart(8, "0")}`;
}

const REPLY_KEY = /^reply:([^:]+):(\d+):(\d+|promos)$/;

/** Reply turns seen by one phone: watermark → dedupe keys. */
function replyTurns(phones: SandboxPhones, phone: string): Map<number, string[]> {
  const turns = new Map<number, string[]>();
  for (const m of phones.outbound(phone as never)) {
    const match = REPLY_KEY.exec(m.dedupeKey);
    if (!match) continue;
    const watermark = Number(match[2]);
    turns.set(watermark, [...(turns.get(watermark) ?? []), m.dedupeKey]);
  }
  return turns;
}

/** Waits for the first reply of a turn whose watermark this phone has not seen yet. */
async function nextReplyTurn(phones: SandboxPhones, phone: string, seen: Set<number>): Promise<void> {
  const m = await phones.waitForOutbound(
    phone as never,
    (message) => {
      const match = REPLY_KEY.exec(message.dedupeKey);
      return match !== null && !seen.has(Number(match[2]));
    },
    REPLY_TIMEOUT_MS,
  );
  seen.add(Number(REPLY_KEY.exec(m.dedupeKey)![2]));
}

function checkOneTurnEach(phones: SandboxPhones, phone: string, expectedTurns: number): string[] {
  const turns = replyTurns(phones, phone);
  const problems: string[] = [];
  if (turns.size !== expectedTurns) {
    problems.push(`${phone.slice(-4)}: ${turns.size} reply turns for ${expectedTurns}`);
  }
  for (const keys of turns.values()) {
    if (new Set(keys).size !== keys.length) problems.push(`${phone.slice(-4)}: a reply sent twice`);
  }
  return problems;
}

async function measure(
  stack: Stack,
  lane: string,
  drive: () => Promise<{ latencies: number[]; messages: number; problems: string[]; bursts?: number }>,
): Promise<LaneResult> {
  const { counters, sandbox } = stack;
  await sandbox.engine.settle(60_000);
  counters.reset();
  const rss = rssSampler([sandbox.mongo?.pid, sandbox.engine.pid]);
  const cpu = process.cpuUsage();
  const mongoCpu0 = childCpuMs(sandbox.mongo?.pid);
  const engineCpu0 = childCpuMs(sandbox.engine.pid);
  const t = performance.now();
  const driven = await drive();
  const elapsed = (performance.now() - t) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  const mongoCpuUsed = childCpuMs(sandbox.mongo?.pid) - mongoCpu0;
  const engineCpuUsed = childCpuMs(sandbox.engine.pid) - engineCpu0;
  // Let trailing work (events, automations) finish so it is counted too.
  await sandbox.engine.settle(60_000);
  const peakRssMb = rss.stop();
  const sorted = [...driven.latencies].sort((a, b) => a - b);
  const n = driven.messages;
  return {
    lane,
    messages: n,
    msgsPerSec: n / elapsed,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    appCmds: counters.appCmds / n,
    engineCmds: counters.engineCmds / n,
    executorReqs: counters.executorReqs / n,
    brainPerBurst: driven.bursts ? counters.brainCalls / driven.bursts : undefined,
    peakRssMb,
    cpuMsPerMsg: ((cpuUsed.user + cpuUsed.system) / 1000 + mongoCpuUsed + engineCpuUsed) / n,
    mongoCpuMsPerMsg: mongoCpuUsed / n,
    engineCpuMsPerMsg: engineCpuUsed / n,
    appBreakdown: perMessage(counters.appByTarget, n),
    standInBreakdown: perMessage(counters.standInByTarget, n),
    executorBreakdown: perMessage(counters.executorByFunction, n),
    engineBreakdown: perMessage(counters.engineByTarget, n),
    problems: driven.problems,
  };
}

/** Counts by "command collection" per message, most first. */
function perMessage(counts: Map<string, number>, messages: number): [string, number][] {
  return [...counts.entries()]
    .map(([k, v]): [string, number] => [k, v / messages])
    .sort((a, b) => b[1] - a[1]);
}

// ---- lanes ---------------------------------------------------------------------------------------

async function conversationLane(stack: Stack, customers: number, lane: string): Promise<LaneResult> {
  const { phones } = stack.sandbox;
  return measure(stack, lane, async () => {
    const latencies: number[] = [];
    const list = Array.from({ length: customers }, () => nextPhone());
    await Promise.all(
      list.map(async (phone) => {
        const seen = new Set<number>();
        for (let turn = 0; turn < TURNS; turn++) {
          const t = performance.now();
          await phones.receive({ from: phone as never, text: SCRIPT[turn % SCRIPT.length]!, name: "Ana" });
          await nextReplyTurn(phones, phone, seen);
          latencies.push(performance.now() - t);
        }
      }),
    );
    await stack.sandbox.engine.settle(60_000);
    const problems = list.flatMap((phone) => checkOneTurnEach(phones, phone, TURNS));
    return { latencies, messages: customers * TURNS, problems };
  });
}

async function burstLane(stack: Stack, customers: number): Promise<LaneResult> {
  const { phones } = stack.sandbox;
  return measure(stack, `burst ${customers}×${BURST.length}`, async () => {
    const latencies: number[] = [];
    const list = Array.from({ length: customers }, () => nextPhone());
    await Promise.all(
      list.map(async (phone) => {
        // On a fixed schedule (a slow gateway must not stretch the burst past a second); in order.
        const t0 = performance.now();
        for (const [i, text] of BURST.entries()) {
          await sleep(Math.max(0, t0 + i * BURST_GAP_MS - performance.now()));
          await phones.receive({ from: phone as never, text, name: "Ana" });
        }
        const t = t0 + (BURST.length - 1) * BURST_GAP_MS;
        await nextReplyTurn(phones, phone, new Set());
        latencies.push(performance.now() - t);
      }),
    );
    // A second turn would come after another quiet period: wait one out before checking.
    await sleep(stack.config.agent.debounceMs * 2);
    await stack.sandbox.engine.settle(60_000);
    const problems = list.flatMap((phone) => checkOneTurnEach(phones, phone, 1));
    return { latencies, messages: customers * BURST.length, problems, bursts: customers };
  });
}

/** Stored conversations with a few messages each, written by bulk inserts (as a busy account has). */
async function seedConversations(db: DbHandle, accountId: string, count: number): Promise<void> {
  const batch = 1_000;
  const base = Date.now() - 30 * 86_400_000;
  for (let from = 0; from < count; from += batch) {
    const size = Math.min(batch, count - from);
    const contacts = [];
    const conversations = [];
    const messages = [];
    for (let i = from; i < from + size; i++) {
      const at = new Date(base + i * 1000);
      const phone = `+52133${String(i).padStart(8, "0")}`;
      const contactId = `seed-ct-${i}`;
      const conversationId = `seed-cv-${i}`;
      contacts.push({ _id: contactId, accountId, phone, tags: [], createdAt: at, lastSeenAt: at });
      conversations.push({
        _id: conversationId,
        accountId,
        contactId,
        phone,
        mode: "collecting_data",
        episode: 1,
        modeChangedAt: at,
        optedOut: false,
        collected: {},
        lastSeq: 4,
        processedSeq: 3,
        processedAt: at,
        lastInboundAt: at,
        lastOutboundAt: at,
        usage: {
          calls: 2,
          inputTokens: 0,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          costMicroUsd: 0,
          dayCostMicroUsd: 0,
        },
        nudges: {},
        createdAt: at,
        updatedAt: at,
      });
      for (let seq = 1; seq <= 4; seq++) {
        const inbound = seq % 2 === 1;
        messages.push({
          _id: `seed-m-${i}-${seq}`,
          accountId,
          conversationId,
          contactId,
          direction: inbound ? "in" : "out",
          seq,
          kind: "text",
          text: inbound ? "hola" : "¡Hola! Gracias por escribirnos.",
          status: inbound ? "received" : "sent",
          ...(inbound
            ? { waMessageId: `false_${phone.slice(1)}@c.us_SEED${i}x${seq}` }
            : { dedupeKey: replyDedupeKey(conversationId, seq - 1, 0), origin: "agent", attempts: 1 }),
          at,
        });
      }
    }
    await db.db.collection("contacts").insertMany(contacts as never[], { ordered: false });
    await db.db.collection("conversations").insertMany(conversations as never[], { ordered: false });
    await db.db.collection("messages").insertMany(messages as never[], { ordered: false });
  }
}

/** The bare path: store the message, compute the same reply, send it; no engine, no steps. */
async function floorLane(stack: Stack, customers: number): Promise<LaneResult> {
  const { db, phones } = stack.sandbox;
  const { config } = stack;
  const accountId = config.whatsapp.accountId;
  const brain = createBrain(config);
  return measure(stack, `floor ${customers}`, async () => {
    const latencies: number[] = [];
    const list = Array.from({ length: customers }, () => nextPhone());
    await Promise.all(
      list.map(async (phone) => {
        for (let turn = 0; turn < TURNS; turn++) {
          const t = performance.now();
          const { contact } = await db.contacts.upsertByPhone({ accountId, phone, profileName: "Ana" });
          const { conversation } = await db.conversations.getOrCreate({
            accountId,
            contactId: contact._id,
            phone: contact.phone,
          });
          await db.messages.recordInbound({
            accountId,
            conversationId: conversation._id,
            contactId: contact._id,
            waMessageId: `false_${phone.slice(1)}@c.us_FLOOR${turn}`,
            text: SCRIPT[turn % SCRIPT.length]!,
            kind: "text",
            waTimestamp: new Date(),
          });
          const state = await loadTurnState({ db, config }, conversation._id);
          if (state.status !== "ready") throw new Error(`floor: turn state ${state.status}`);
          const decision = await brain.decide(state.context);
          await deliverReplies(
            { db, transport: phones },
            {
              accountId,
              conversationId: conversation._id,
              contactId: contact._id,
              to: contact.phone as never,
            },
            decision.replies.map((text, index) => ({
              text,
              dedupeKey: replyDedupeKey(conversation._id, state.watermark, index),
            })),
            { attempt: 0, lastAttempt: true },
          );
          await db.conversations.advanceWatermark(conversation._id, state.watermark);
          latencies.push(performance.now() - t);
        }
      }),
    );
    const problems = list.flatMap((phone) => checkOneTurnEach(phones, phone, TURNS));
    return { latencies, messages: customers * TURNS, problems };
  });
}

// ---- report --------------------------------------------------------------------------------------

function row(r: LaneResult): string[] {
  const ms = (x: number) => x.toFixed(0);
  return [
    r.lane,
    String(r.messages),
    r.msgsPerSec.toFixed(1),
    ms(r.p50),
    ms(r.p95),
    ms(r.p99),
    r.appCmds.toFixed(1),
    r.engineCmds.toFixed(1),
    r.executorReqs.toFixed(1),
    r.brainPerBurst === undefined ? "-" : r.brainPerBurst.toFixed(2),
    r.cpuMsPerMsg.toFixed(1),
    r.peakRssMb.toFixed(0),
  ];
}

function printTable(results: LaneResult[]): void {
  const header = [
    "lane",
    "msgs",
    "inbound msg/s",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "app cmds/msg",
    "engine cmds/msg",
    "executor req/msg",
    "brain calls/burst",
    "CPU ms/msg",
    "peak RSS MB",
  ];
  const rows = results.map(row);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")} |`;
  console.log(line(header));
  console.log(`| ${widths.map((w, i) => (i === 0 ? "-".repeat(w) : "-".repeat(w - 1) + ":")).join(" | ")} |`);
  for (const r of rows) console.log(line(r));
}

async function main(): Promise<void> {
  useEnvironmentSnapshot(); // as npm start does
  const [load1, load5, load15] = os.loadavg();
  console.log(
    `product bench: node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), ` +
      `load average ${load1!.toFixed(2)} ${load5!.toFixed(2)} ${load15!.toFixed(2)}, ${new Date().toISOString()}`,
  );
  console.log(
    `lanes ${LANES.join(",")} customers × ${TURNS} turns (debounce off), ${BURSTS} bursts (debounce 2s), ` +
      `growth ${GROWTH.join(" → ")} stored conversations, floor ${FLOOR_CUSTOMERS} customers, ` +
      `MongoDB ${MONGO_IN}, engine ${ENGINE_IN}`,
  );
  const results: LaneResult[] = [];
  const run = async (debounce: string, body: (stack: Stack) => Promise<void>) => {
    const stack = await startStack(debounce);
    try {
      await body(stack);
    } finally {
      await stack.stop();
    }
  };
  const report = (r: LaneResult) => {
    results.push(r);
    console.log(
      `  ${r.lane}: ${r.msgsPerSec.toFixed(1)} msg/s, p99 ${r.p99.toFixed(0)} ms, CPU ms/msg ` +
        `${(r.cpuMsPerMsg - r.mongoCpuMsPerMsg - r.engineCpuMsPerMsg).toFixed(1)} apps + ` +
        `${r.engineCpuMsPerMsg.toFixed(1)} engine child + ${r.mongoCpuMsPerMsg.toFixed(1)} MongoDB child`,
    );
  };

  for (const customers of LANES) {
    await run("0s", async (stack) =>
      report(await conversationLane(stack, customers, `${customers} customers`)),
    );
  }
  if (BURSTS > 0) await run("2s", async (stack) => report(await burstLane(stack, BURSTS)));
  const growth: LaneResult[] = [];
  for (const stored of GROWTH) {
    await run("0s", async (stack) => {
      await seedConversations(stack.sandbox.db, stack.config.whatsapp.accountId, stored);
      const r = await conversationLane(stack, HEADLINE, `${HEADLINE} after ${stored} conversations`);
      growth.push(r);
      report(r);
    });
  }
  let floor: LaneResult | undefined;
  if (FLOOR_CUSTOMERS > 0) {
    await run("0s", async (stack) => {
      floor = await floorLane(stack, FLOOR_CUSTOMERS);
      report(floor);
    });
  }

  console.log("");
  printTable(results);
  const problems = results.flatMap((r) => r.problems.map((p) => `${r.lane}: ${p}`));
  const headline = results.find((r) => r.lane === `${HEADLINE} customers`)!;
  const burst = results.find((r) => r.brainPerBurst !== undefined);
  const growthRatio = growth.length >= 2 ? growth.at(-1)!.cpuMsPerMsg / growth[0]!.cpuMsPerMsg : NaN;
  const floorRatio = floor ? headline.msgsPerSec / floor.msgsPerSec : NaN;
  console.log("");
  console.log(
    `growth: CPU ms per message ${growth.map((g) => g.cpuMsPerMsg.toFixed(1)).join(" → ")}; ` +
      `floor: ${floor ? floor.msgsPerSec.toFixed(1) : "-"} msg/s bare path at ${FLOOR_CUSTOMERS} customers`,
  );
  console.log(
    `app commands per message at ${HEADLINE} customers: ` +
      headline.appBreakdown.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", "),
  );
  console.log(
    `stand-in commands per message at ${HEADLINE} customers (not in app cmds): ` +
      (headline.standInBreakdown.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", ") || "none"),
  );
  console.log(
    `executor requests per message at ${HEADLINE} customers: ` +
      headline.executorBreakdown.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", "),
  );
  console.log(
    `engine commands per message at ${HEADLINE} customers: ` +
      headline.engineBreakdown.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", "),
  );
  if (floor) {
    console.log(
      `app commands per message, floor: ` +
        floor.appBreakdown.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(", "),
    );
  }
  if (problems.length > 0) {
    console.error(
      `FAILED: not every message got exactly one reply turn:\n  ${problems.slice(0, 20).join("\n  ")}`,
    );
    process.exitCode = 1;
  }
  console.log(
    `bench: ${headline.msgsPerSec.toFixed(1)} msg/s at ${HEADLINE} customers, p99 ${headline.p99.toFixed(0)} ms, ` +
      `${headline.appCmds.toFixed(1)} mongo cmds/msg, ${headline.executorReqs.toFixed(1)} executor requests/msg, ` +
      `${(burst?.brainPerBurst ?? NaN).toFixed(2)} brain calls/burst, growth ${growthRatio.toFixed(2)}, ` +
      `floor ratio ${floorRatio.toFixed(2)}`,
  );
}

main().then(
  () => process.exit(),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
