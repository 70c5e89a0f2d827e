// The stack the bad-input table is tried against, started once per file: the whole sandbox as
// `npm start` composes it (in this process, so its MongoDB can be read directly), the brain behind
// Claude's SDK against the fake Messages API (so an API key is in play), and a production-mode pair
// (cloud mode with signing and event keys, a signed local engine, real serve origins) for the
// signature checks the sandbox's dev mode skips by design. Everything any of them prints is captured.
import { mkdtempSync, rmSync } from "node:fs";
import { request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { format } from "node:util";
import { BSON } from "mongodb";
import { startFakeAnthropic, type FakeAnthropic } from "../../../sandbox/anthropic/index.js";
import { startSandbox, type RunningSandbox } from "../../../sandbox/compose.js";
import { startLocalEngine, type LocalEngine } from "../../../sandbox/engine/index.js";
import { SandboxPhones } from "../../../sandbox/phones/index.js";
import { loadConfig, type Config, type Env } from "../../../shared/config/index.js";
import { closeServer, listen, portOf } from "../../../shared/http/index.js";
import { createInngestClient, slackAppId, workerAppId } from "../../../shared/inngest.js";
import { createLogger } from "../../../shared/logger.js";
import { createSlackSide } from "../../../slack/app.js";
import { createWorkerApp } from "../../../worker/app.js";

/** Secrets of the stack, production-like in shape: none of them may reach a log line. */
export const SECRETS = {
  inngestSigningKey: "signkey-prod-5b1c0e7f9a2d4c6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e2f",
  inngestEventKey: "evkey-prod-7c2e4a6b8d0f1e3c5a7b9d1f3e5c7a9b",
  anthropicApiKey: "sk-ant-api03-badinput-9f8e7d6c5b4a39281706f5e4d3c2b1a0",
  webhookSecret: "whsec-badinput-3a5c7e9b1d2f4a6c8e0b2d4f6a8c0e2b",
  whatsappAdminToken: "qr-admin-badinput-6d4b2f0e8c6a4b2d0f8e6c4a",
  prodSlackSigningSecret: "8f742231b10e8888abcd99yyyzzz85a5",
  prodSlackBotToken: "xoxb-1234567890-0987654321-badinputProdToken",
} as const;

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/** The servers a row can aim at. */
export type Target = "page" | "worker" | "web" | "engine" | "prodWorker" | "prodWeb" | "prodEngine";

export interface BadInputStack {
  sandbox: RunningSandbox;
  anthropic: FakeAnthropic;
  prodEngine: LocalEngine;
  /** Base URL per target, no trailing slash. */
  urls: Record<Target, string>;
  prodConfig: Config;
  /** The Slack workspace's credentials (the sandbox's own, fixed for development). */
  slack: { signingSecret: string; botToken: string };
  /** A response_url for hand-made slash commands: what the app answers there, in order. */
  responses: { url: string; next(): Promise<string> };
  /** A server on 127.0.0.1 that nothing of ours may ever reach (a webhook aimed at it is refused). */
  trap: { url: string; hits(): number };
  /** Everything printed or logged since the start. */
  logs(): string;
  /** Every secret value in play, for the log check. */
  secretValues(): string[];
  /** A raw HTTP request: the path goes out as written, headers as given (a forged Host too). */
  send(target: Target, request: RawRequest): Promise<Answer>;
  /** Waits until both engines have nothing in flight (what a row set off has finished). */
  settle(): Promise<void>;
  /** Every document of the product's database (the sandbox's phones and Slack included), as canonical JSON. */
  snapshot(): Promise<Snapshot>;
  /** Runs recorded by the sandbox's engine, except those its cron schedules start on the hour. */
  runCount(): Promise<number>;
  stop(): Promise<void>;
}

/** Collection name → its documents (canonical extended JSON), sorted by _id. */
export type Snapshot = Record<string, string[]>;

function productionEnv(mongoUri: string, engineUrl: string, port: number, extra: Env): Env {
  return {
    NODE_ENV: "production",
    INNGEST_DEV: "0",
    MONGODB_URI: mongoUri,
    INNGEST_BASE_URL: engineUrl,
    INNGEST_EVENT_KEY: SECRETS.inngestEventKey,
    INNGEST_SIGNING_KEY: SECRETS.inngestSigningKey,
    INNGEST_SERVE_ORIGIN: `http://127.0.0.1:${port}`,
    AUTOMATION_WEBHOOK_SECRET: SECRETS.webhookSecret,
    ANTHROPIC_API_KEY: SECRETS.anthropicApiKey,
    WHATSAPP_TRANSPORT: "sandbox",
    ...extra,
  };
}

/** A server whose handler is set once the app behind it exists (its serve origin names its port). */
async function lateServer(): Promise<{
  server: Server;
  set(handler: (req: IncomingMessage, res: ServerResponse) => void): void;
}> {
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  const server = await listen((req, res) => handle(req, res), 0, "127.0.0.1");
  return { server, set: (handler) => (handle = handler) };
}

/** Captures console output (kept off the terminal) and raw writes to stdout/stderr into `sink`. */
function captureOutput(sink: (text: string) => void): () => void {
  const methods = ["log", "info", "warn", "error", "debug", "trace"] as const;
  const saved = methods.map((m) => [m, console[m]] as const);
  for (const m of methods) console[m] = (...args: unknown[]) => sink(`${format(...args)}\n`);
  const writes = [process.stdout, process.stderr].map((stream) => {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      sink(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString());
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
    return () => (stream.write = original as typeof stream.write);
  });
  return () => {
    for (const [m, fn] of saved) console[m] = fn;
    for (const restore of writes) restore();
  };
}

export async function startBadInputStack(): Promise<BadInputStack> {
  let captured = "";
  const sink = (text: string) => (captured += text);
  const restoreOutput = captureOutput(sink);
  const dataDir = mkdtempSync(path.join(tmpdir(), "bad-input-"));

  const anthropic = await startFakeAnthropic({ apiKey: SECRETS.anthropicApiKey });
  // The sandbox as npm start composes it, at the default log level, with every secret it can take.
  const config = loadConfig({
    SANDBOX_DATA_DIR: dataDir,
    PORT: "0",
    WORKER_PORT: "0",
    SANDBOX_PORT: "0",
    INNGEST_ENGINE_PORT: "0",
    AGENT_DEBOUNCE: "0s",
    ANTHROPIC_API_KEY: SECRETS.anthropicApiKey,
    ANTHROPIC_BASE_URL: anthropic.url,
    INNGEST_EVENT_KEY: SECRETS.inngestEventKey,
    INNGEST_SIGNING_KEY: SECRETS.inngestSigningKey,
    AUTOMATION_WEBHOOK_SECRET: SECRETS.webhookSecret,
    WHATSAPP_ADMIN_TOKEN: SECRETS.whatsappAdminToken,
  });
  const logDestination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink(chunk.toString());
      done();
    },
  });
  const logger = createLogger(config, { base: { side: "sandbox" }, destination: logDestination });
  const sandbox = await startSandbox({ config, logger, dataDir: path.join(dataDir, "sandbox") });
  const workspace = sandbox.workspace;
  if (!workspace) throw new Error("the sandbox started without its simulated Slack workspace");

  // The production pair: cloud mode, signed engine, each app registered at its configured origin.
  const prodEngine = await startLocalEngine({
    memory: true,
    quiet: true,
    signingKey: SECRETS.inngestSigningKey,
    eventKey: SECRETS.inngestEventKey,
  });
  const prodWorkerServer = await lateServer();
  const prodWebServer = await lateServer();
  const prodLogger = createLogger(loadConfig({}), { base: { side: "prod" }, destination: logDestination });
  const prodWorkerConfig = loadConfig(
    productionEnv(sandbox.mongoUri, prodEngine.url, portOf(prodWorkerServer.server), {
      WHATSAPP_ADMIN_TOKEN: SECRETS.whatsappAdminToken,
    }),
  );
  const prodPhones = new SandboxPhones({
    accountId: prodWorkerConfig.whatsapp.accountId,
    logger: prodLogger,
  });
  await prodPhones.start();
  const prodWorker = createWorkerApp({
    config: prodWorkerConfig,
    db: sandbox.db,
    transport: prodPhones,
    inngest: createInngestClient(prodWorkerConfig, {
      appId: workerAppId(prodWorkerConfig),
      logger: prodLogger,
    }),
    logger: prodLogger,
  });
  prodWorkerServer.set(prodWorker.http);
  const prodWebConfig = loadConfig(
    productionEnv(sandbox.mongoUri, prodEngine.url, portOf(prodWebServer.server), {
      SLACK_SIGNING_SECRET: SECRETS.prodSlackSigningSecret,
      SLACK_BOT_TOKEN: SECRETS.prodSlackBotToken,
    }),
  );
  const prodWeb = createSlackSide({
    config: prodWebConfig,
    inngest: createInngestClient(prodWebConfig, { appId: slackAppId(prodWebConfig), logger: prodLogger }),
    db: sandbox.db,
    logger: prodLogger,
  });
  prodWebServer.set(prodWeb.http);
  for (const server of [prodWorkerServer.server, prodWebServer.server]) {
    const synced = await fetch(`http://127.0.0.1:${portOf(server)}/api/inngest`, { method: "PUT" });
    if (!synced.ok) throw new Error(`production app did not sync: ${synced.status} ${await synced.text()}`);
  }

  const responses = await startResponseCatcher();
  let trapHits = 0;
  const trapServer = await listen(
    (_req, res) => {
      trapHits++;
      res.end("reached");
    },
    0,
    "127.0.0.1",
  );

  const urls: Record<Target, string> = {
    page: sandbox.pageUrl.replace(/\/$/, ""),
    worker: `http://127.0.0.1:${portOf(sandbox.servers.worker)}`,
    web: `http://127.0.0.1:${portOf(sandbox.servers.web)}`,
    engine: sandbox.engine.url,
    prodWorker: `http://127.0.0.1:${portOf(prodWorkerServer.server)}`,
    prodWeb: `http://127.0.0.1:${portOf(prodWebServer.server)}`,
    prodEngine: prodEngine.url,
  };

  const stack: BadInputStack = {
    sandbox,
    anthropic,
    prodEngine,
    urls,
    prodConfig: prodWorkerConfig,
    responses,
    trap: { url: `http://127.0.0.1:${portOf(trapServer)}`, hits: () => trapHits },
    slack: { signingSecret: workspace.signingSecret, botToken: workspace.botToken },
    logs: () => captured,
    secretValues: () => [...Object.values(SECRETS), workspace.signingSecret, workspace.botToken],
    send: (target, request) => rawRequest(urls[target], request),
    async settle() {
      await sandbox.engine.settle(15_000);
      await prodEngine.settle(5_000);
    },
    async snapshot() {
      const out: Snapshot = {};
      const collections = await sandbox.db.db.listCollections({}, { nameOnly: true }).toArray();
      for (const { name } of collections.sort((a, b) => a.name.localeCompare(b.name))) {
        const docs = await sandbox.db.db.collection(name).find({}).sort({ _id: 1 }).toArray();
        out[name] = docs.map((doc) => BSON.EJSON.stringify(doc, { relaxed: false }));
      }
      return out;
    },
    async runCount() {
      const res = await fetch(`${sandbox.engine.url}/runs`);
      const { runs } = (await res.json()) as { runs: { event?: { name?: string } }[] };
      return runs.filter((run) => run.event?.name !== "inngest/scheduled.timer").length;
    },
    async stop() {
      await closeServer(responses.server, { abortOpen: true });
      await closeServer(trapServer, { abortOpen: true });
      await closeServer(prodWorkerServer.server, { abortOpen: true });
      await closeServer(prodWebServer.server, { abortOpen: true });
      await prodPhones.stop();
      await prodEngine.stop();
      await sandbox.stop();
      await anthropic.close();
      restoreOutput();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return stack;
}

function rawRequest(base: string, req: RawRequest): Promise<Answer> {
  const url = new URL(base);
  return new Promise((resolve, reject) => {
    const out = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: req.method ?? "GET",
        path: req.path,
        headers: req.headers ?? {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on("error", reject);
      },
    );
    out.on("error", reject);
    out.end(req.body);
  });
}

/** Takes what an app posts to a slash command's response_url; `next()` is the next text (5 s at most). */
async function startResponseCatcher(): Promise<{ url: string; server: Server; next(): Promise<string> }> {
  const texts: string[] = [];
  const waiting: ((text: string) => void)[] = [];
  const server = await listen(
    (req, res) => {
      let body = "";
      req.on("data", (chunk: Buffer) => (body += chunk.toString()));
      req.on("end", () => {
        res.end("ok");
        let text = body;
        try {
          text = String((JSON.parse(body) as { text?: unknown }).text ?? body);
        } catch {
          // not JSON: kept as sent
        }
        const waiter = waiting.shift();
        if (waiter) waiter(text);
        else texts.push(text);
      });
    },
    0,
    "127.0.0.1",
  );
  return {
    url: `http://127.0.0.1:${portOf(server)}/response`,
    server,
    next() {
      const ready = texts.shift();
      if (ready !== undefined) return Promise.resolve(ready);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no answer on the response_url within 5 s")), 5_000);
        waiting.push((text) => {
          clearTimeout(timer);
          resolve(text);
        });
      });
    },
  };
}
