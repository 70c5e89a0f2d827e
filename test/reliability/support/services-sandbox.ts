// The sandbox's composition (sandbox/compose.ts: what `npm start` runs) inside the test's process,
// for the service-fault tests: its own temporary data directory, random ports, the product's clock
// on the engine's. Customers write and read their chats and the clock moves over the sandbox page's
// HTTP API, as a person or a script would; faults are put into the stand-ins directly.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { startSandbox, type RunningSandbox, type SandboxOptions } from "../../../sandbox/compose.js";
import { loadConfig, type Config, type Env } from "../../../shared/config/index.js";
import { registeredFunctionId, slackAppId, workerAppId } from "../../../shared/inngest.js";
import { createLogger } from "../../../shared/logger.js";

export interface ChatLine {
  id: string;
  direction: "in" | "out";
  text: string;
  at: string;
}

export interface RunLine {
  id: string;
  functionId: string;
  status: string;
  event: { name: string; data: Record<string, unknown> };
  output?: unknown;
  steps: { id: string; status: string; attempts: number; error?: unknown }[];
}

export interface ServicesSandbox {
  running: RunningSandbox;
  config: Config;
  /** The sandbox page's origin, e.g. http://127.0.0.1:41000 */
  url: string;
  /** A customer writes: the phones API's status (202 = accepted) and message id. */
  write(phone: string, text: string, options?: { name?: string; id?: string }): Promise<WriteAnswer>;
  /** The customer's chat as their phone shows it, oldest first. */
  chat(phone: string): Promise<ChatLine[]>;
  /** Texts the customer's phone received, oldest first. */
  received(phone: string): Promise<string[]>;
  /** Moves the engine's clock (POST /sandbox/clock/advance) and waits for what came due. */
  advance(ms: number): Promise<{ fired: number; settled: boolean }>;
  /** Runs of one function of the worker (or the Slack side), oldest first. */
  runs(side: "worker" | "slack", fn: string): Promise<RunLine[]>;
  stop(): Promise<void>;
}

export interface WriteAnswer {
  status: number;
  messageId?: string;
}

export interface ServicesSandboxOptions {
  env?: Env;
  /** MONGODB_URI for everything (app and engine); default: the sandbox's own embedded server. */
  mongoUri?: string;
  slackClientOptions?: SandboxOptions["slackClientOptions"];
}

async function json<T>(res: Response): Promise<T> {
  const body = await res.text();
  if (!res.ok) throw new Error(`${res.status} from the sandbox: ${body}`);
  return JSON.parse(body) as T;
}

export async function startServicesSandbox(options: ServicesSandboxOptions = {}): Promise<ServicesSandbox> {
  const dataDir = mkdtempSync(path.join(tmpdir(), "services-fault-"));
  const config = loadConfig({
    LOG_LEVEL: "silent",
    SANDBOX_DATA_DIR: dataDir,
    PORT: "0",
    WORKER_PORT: "0",
    SANDBOX_PORT: "0",
    INNGEST_ENGINE_PORT: "0",
    // Always open, so what the product sends on its own does not depend on the hour the tests run.
    BUSINESS_HOURS: "00:00-24:00",
    BUSINESS_DAYS: "sun-sat",
    ...(options.mongoUri ? { MONGODB_URI: options.mongoUri } : {}),
    ...options.env,
  });
  let running: RunningSandbox;
  try {
    running = await startSandbox({
      config,
      logger: createLogger(config, { base: { side: "sandbox" } }),
      quiet: true,
      dataDir,
      ...(options.slackClientOptions ? { slackClientOptions: options.slackClientOptions } : {}),
    });
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const url = running.pageUrl.replace(/\/$/, "");
  const appIds = { worker: workerAppId(config), slack: slackAppId(config) };

  const chat = async (phone: string) =>
    (
      await json<{ messages: ChatLine[] }>(
        await fetch(`${url}/sandbox/whatsapp/chats/${encodeURIComponent(phone)}`),
      )
    ).messages;

  return {
    running,
    config,
    url,
    async write(phone, text, extra = {}) {
      const res = await fetch(`${url}/sandbox/whatsapp/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          from: phone,
          text,
          name: extra.name ?? "Ana",
          ...(extra.id ? { id: extra.id } : {}),
        }),
      });
      const body = (await res.json().catch(() => ({}))) as { messageId?: string };
      return { status: res.status, ...(body.messageId ? { messageId: body.messageId } : {}) };
    },
    chat,
    async received(phone) {
      return (await chat(phone)).filter((m) => m.direction === "out").map((m) => m.text);
    },
    async advance(ms) {
      return json(
        await fetch(`${url}/sandbox/clock/advance`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ ms }),
        }),
      );
    },
    async runs(side, fn) {
      const id = registeredFunctionId(appIds[side], fn);
      const body = await json<{ runs: RunLine[] }>(
        await fetch(`${url}/sandbox/runs?function=${encodeURIComponent(id)}`),
      );
      return body.runs;
    },
    async stop() {
      try {
        await running.stop();
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** Polls until `check` returns a value (not undefined), or fails after timeoutMs of real time. */
export async function until<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (let pollMs = 10; ; pollMs = Math.min(pollMs * 2, 200)) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}

let phones = 0;
/** A distinct customer phone number per call within a file. */
export function nextCustomerPhone(): string {
  phones += 1;
  return `+52155571${String(phones).padStart(4, "0")}`;
}
