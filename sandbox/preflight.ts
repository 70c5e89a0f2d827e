// What `npm start` checks before it starts anything: that it was not given production settings (the
// sandbox runs the apps in dev mode, where unsigned calls run functions, so it refuses rather than
// downgrade them), that every server has its own free port, and that the data directory is usable.
// Each problem is one line naming the variable, and nothing has been started yet.
import { mkdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import path from "node:path";
import { loadConfig, readEnvFile, settings, type Config, type Env } from "../shared/config/index.js";
import { closeServer, listen } from "../shared/http/index.js";

/** A reason not to start, in one line an operator can act on. */
export class SandboxPreflightError extends Error {
  override readonly name = "SandboxPreflightError";
}

const PRODUCTION_INSTEAD =
  "production runs the Procfile's processes (npm run build, then npm run start:web and npm run start:worker)";

/** Refuses NODE_ENV=production and INNGEST_DEV=0 (cloud mode): the sandbox would run them in dev mode. */
export function refuseProductionSettings(env: Env): void {
  const nodeEnv = settings.NODE_ENV.schema.safeParse(env["NODE_ENV"]);
  if (nodeEnv.success && nodeEnv.data === "production") {
    throw new SandboxPreflightError(
      `NODE_ENV=production: npm start is the development sandbox (local stand-ins, no request signatures) and does not run production settings; unset NODE_ENV, or ${PRODUCTION_INSTEAD}`,
    );
  }
  const inngestDev = settings.INNGEST_DEV.schema.safeParse(env["INNGEST_DEV"]);
  if (inngestDev.success && inngestDev.data === false) {
    throw new SandboxPreflightError(
      `INNGEST_DEV=${String(env["INNGEST_DEV"]).trim()}: npm start runs its apps in dev mode against its local engine and does not run cloud mode; unset INNGEST_DEV, or ${PRODUCTION_INSTEAD}`,
    );
  }
}

/**
 * The servers a person never needs to reach directly: unless their port is configured they take any
 * free port, so that a busy 3000 or 8288 never stops npm start. SANDBOX_PORT keeps its default.
 */
const INNER_PORT_VARIABLES = ["PORT", "WORKER_PORT", "INNGEST_ENGINE_PORT"] as const;

/** The environment with every unset inner server port set to 0 (any free port). */
export function freeInnerPorts(env: Env): Env {
  const out: Env = { ...env };
  for (const variable of INNER_PORT_VARIABLES) {
    if (!String(env[variable] ?? "").trim()) out[variable] = "0";
  }
  return out;
}

/** The sandbox's config: the environment (and `.env`) as loadConfig reads it, production settings refused. */
export function loadSandboxConfig(): Config {
  const env = { ...readEnvFile(resolve(process.cwd(), ".env")), ...process.env };
  refuseProductionSettings(env);
  return loadConfig(freeInnerPorts(env));
}

/** The ports the sandbox binds, by the variable that sets each. */
function configuredPorts(
  config: Config,
  appHost: string,
): { variable: string; port: number; host: string }[] {
  return [
    { variable: "PORT", port: config.http.webPort, host: appHost },
    { variable: "WORKER_PORT", port: config.http.workerPort, host: appHost },
    { variable: "SANDBOX_PORT", port: config.http.sandboxPort, host: appHost },
    { variable: "INNGEST_ENGINE_PORT", port: config.engine.port, host: config.engine.host },
  ];
}

/** Each server on its own port (0 = any free one), and each configured port free right now. */
export async function checkPorts(config: Config, appHost: string): Promise<void> {
  const ports = configuredPorts(config, appHost).filter((p) => p.port !== 0);
  for (const [i, p] of ports.entries()) {
    const same = ports.slice(0, i).find((q) => q.port === p.port);
    if (same) {
      throw new SandboxPreflightError(
        `${p.variable}=${p.port} is the port of ${same.variable} too: each server of the sandbox needs its own port (0 = any free port)`,
      );
    }
  }
  for (const p of ports) {
    try {
      await closeServer(await listen(() => {}, p.port, p.host));
    } catch (error) {
      throw new SandboxPreflightError(`${p.variable}=${p.port}: ${(error as Error).message}`);
    }
  }
}

/**
 * mkdir -p, one level at a time: Node's `recursive: true` loops forever where a parent exists but
 * refuses children with ENOENT (as /proc does), which is how a bad data dir used to hang startup.
 */
function makeDirs(dir: string): void {
  try {
    if (statSync(dir).isDirectory()) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    const parent = path.dirname(dir);
    if (parent !== dir) makeDirs(parent);
  }
  mkdirSync(dir);
}

/** The embedded MongoDB's folder under SANDBOX_DATA_DIR exists (or can be made) and takes writes. */
export function checkDataDir(config: Config): void {
  if (config.mongo.uri) return; // an external MongoDB: the sandbox writes no data of its own
  const dir = path.join(path.resolve(config.mongo.sandboxDataDir), "mongo");
  try {
    makeDirs(dir);
    const probe = path.join(dir, `.write-check-${process.pid}`);
    writeFileSync(probe, "");
    rmSync(probe);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    throw new SandboxPreflightError(
      `SANDBOX_DATA_DIR=${config.mongo.sandboxDataDir}: the sandbox cannot keep its data there (${code ?? message}); choose a folder it can create and write`,
    );
  }
}

/** Everything checked before anything starts. */
export async function preflight(config: Config, appHost: string): Promise<void> {
  checkDataDir(config);
  await checkPorts(config, appHost);
}
