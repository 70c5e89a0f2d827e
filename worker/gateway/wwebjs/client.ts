// The real whatsapp-web.js client: LocalAuth on a persistent directory, Debian's Chromium, headless
// with the flags a root container needs, and puppeteer's signal handlers off (otherwise puppeteer
// kills Chromium on SIGINT/SIGTERM before our graceful shutdown can destroy the client).
import { readdir, rm } from "node:fs/promises";
import path from "node:path";
import type { ClientOptions } from "whatsapp-web.js";
import type { WaClient } from "./wa-client.js";

export interface WwebjsClientOptions {
  /** LocalAuth clientId: letters, digits, "_" and "-" only. The profile lives in `<authDir>/session-<clientId>`. */
  clientId: string;
  /** Persistent directory (a volume) holding the LocalAuth profile. */
  authDir: string;
  /** Default `/usr/bin/chromium` (Debian). */
  chromiumPath?: string;
  /** Default true. */
  headless?: boolean;
  /** Extra Chromium flags, appended to the container defaults. */
  extraChromiumArgs?: string[];
  /** How long the library waits for WhatsApp Web to boot inside the page. Default 60 s. */
  authTimeoutMs?: number;
  /** Take the session over when WhatsApp Web is opened elsewhere (otherwise that is a CONFLICT). */
  takeoverOnConflict?: boolean;
}

export const CONTAINER_CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-setuid-sandbox",
  "--disable-dev-shm-usage",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
] as const;

export const DEFAULT_CHROMIUM_PATH = "/usr/bin/chromium";

const CLIENT_ID_PATTERN = /^[-_\w]+$/;

/** The LocalAuth profile directory (Chromium's userDataDir) for these options. */
export function sessionDir(options: Pick<WwebjsClientOptions, "clientId" | "authDir">): string {
  return path.join(path.resolve(options.authDir), `session-${options.clientId}`);
}

/** Everything but the auth strategy, which needs the library at runtime. */
export function buildClientOptions(options: WwebjsClientOptions): Omit<ClientOptions, "authStrategy"> {
  return {
    puppeteer: {
      executablePath: options.chromiumPath ?? DEFAULT_CHROMIUM_PATH,
      headless: options.headless ?? true,
      args: [...CONTAINER_CHROMIUM_ARGS, ...(options.extraChromiumArgs ?? [])],
      handleSIGINT: false,
      handleSIGTERM: false,
      handleSIGHUP: false,
    },
    authTimeoutMs: options.authTimeoutMs ?? 60_000,
    qrMaxRetries: 0, // keep refreshing the QR until someone scans it
    takeoverOnConflict: options.takeoverOnConflict ?? false,
  };
}

/**
 * Removes Chromium's `Singleton*` files (SingletonLock is a symlink to "<host>-<pid>", which dangles
 * after a kill -9 or in a new container and makes Chromium refuse the profile). Only safe when no
 * other process uses this profile: one worker per account, and the previous client is destroyed.
 */
export async function clearStaleProfileLocks(profileDir: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(profileDir);
  } catch {
    return []; // no profile yet
  }
  const locks = names.filter((name) => name.startsWith("Singleton"));
  await Promise.all(locks.map((name) => rm(path.join(profileDir, name), { force: true, recursive: true })));
  return locks;
}

/** A fresh whatsapp-web.js Client (nothing is launched until initialize()). */
export async function createWwebjsClient(options: WwebjsClientOptions): Promise<WaClient> {
  if (!CLIENT_ID_PATTERN.test(options.clientId)) {
    throw new RangeError("WhatsApp clientId may only contain letters, digits, '_' and '-'");
  }
  // Loaded lazily: puppeteer is heavy and the sandbox never needs it.
  const { default: wwebjs } = await import("whatsapp-web.js");
  const client = new wwebjs.Client({
    ...buildClientOptions(options),
    authStrategy: new wwebjs.LocalAuth({
      clientId: options.clientId,
      dataPath: path.resolve(options.authDir),
    }),
  });
  return client;
}
