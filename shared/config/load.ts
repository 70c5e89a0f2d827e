// Loading: the environment (and `.env` when present) in, a Config out, or one ConfigError that names
// every bad variable and why, and never echoes a secret.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { envSchema } from "./env-schema.js";
import { REDACTED, secretSettings } from "./redact.js";
import { toConfig, type Config, type ParsedEnv } from "./shape.js";
import { settings, type Env } from "./settings.js";

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Startup configuration is invalid. `problems` lists every bad variable; the message names them all. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join("\n"),
    );
  }
}

/** Replaces any secret value that found its way into a message (defence in depth: our messages never include values). */
function scrubSecrets(message: string, env: Env): string {
  let out = message;
  for (const name of secretSettings) {
    const value = env[name]?.trim();
    if (value && value.length >= 4) out = out.split(value).join(REDACTED);
  }
  return out;
}

/**
 * Builds the Config from an environment. Throws one ConfigError naming every bad variable.
 * Without an argument it reads `process.env` merged over `.env` in the working directory (real
 * environment variables win), so a `.env` file never overrides what the process was given.
 */
export function loadConfig(env?: Env): Config {
  const source = env ?? { ...readEnvFile(resolve(process.cwd(), ".env")), ...process.env };
  const result = envSchema.safeParse(source);
  if (result.success) return toConfig(result.data as ParsedEnv);
  const problems = result.error.issues.map((issue) => ({
    variable: String(issue.path[0] ?? "(config)"),
    message: scrubSecrets(issue.message, source),
  }));
  // One line per variable, in the order of the settings table.
  const order = Object.keys(settings);
  const merged = new Map<string, string[]>();
  for (const p of problems) merged.set(p.variable, [...(merged.get(p.variable) ?? []), p.message]);
  throw new ConfigError(
    [...merged.entries()]
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([variable, messages]) => ({ variable, message: [...new Set(messages)].join("; ") })),
  );
}

/** Reads a dotenv file (KEY=value, # comments, quotes) with Node's own parser; a missing file is an empty env. */
export function readEnvFile(path: string): Env {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, "utf8")) as Env;
}
