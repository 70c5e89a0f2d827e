import { z } from "zod";
import { parseDurationMs } from "./duration.js";

// The SDK's sync body (POST /fn/register), as far as the engine uses it. Unknown keys pass through.
const triggerSchema = z
  .object({
    event: z.string().optional(),
    expression: z.string().optional(),
    cron: z.string().optional(),
    jitter: z.string().optional(),
  })
  .loose();

const concurrencySchema = z.object({
  limit: z.number(),
  key: z.string().optional(),
  scope: z.string().optional(),
});

export const functionConfigSchema = z
  .object({
    id: z.string(),
    name: z.string().optional(),
    triggers: z.array(triggerSchema).default([]),
    steps: z.record(
      z.string(),
      z
        .object({
          id: z.string().optional(),
          runtime: z.object({ url: z.string() }).loose(),
          retries: z.object({ attempts: z.number() }).loose().optional(),
        })
        .loose(),
    ),
    concurrency: z.union([z.number(), concurrencySchema, z.array(concurrencySchema)]).optional(),
    throttle: z
      .object({
        limit: z.number(),
        period: z.union([z.string(), z.number()]),
        key: z.string().optional(),
        burst: z.number().optional(),
      })
      .optional(),
    rateLimit: z
      .object({ limit: z.number(), period: z.union([z.string(), z.number()]), key: z.string().optional() })
      .optional(),
    debounce: z
      .object({
        period: z.union([z.string(), z.number()]),
        key: z.string().optional(),
        timeout: z.union([z.string(), z.number()]).optional(),
      })
      .optional(),
    singleton: z
      .object({ key: z.string().optional(), mode: z.enum(["skip", "cancel"]).default("skip") })
      .optional(),
    idempotency: z.string().optional(),
    batchEvents: z
      .object({ maxSize: z.number(), timeout: z.union([z.string(), z.number()]), key: z.string().optional() })
      .loose()
      .optional(),
    timeouts: z
      .object({
        start: z.union([z.string(), z.number()]).optional(),
        finish: z.union([z.string(), z.number()]).optional(),
      })
      .optional(),
    cancel: z
      .array(z.object({ event: z.string(), if: z.string().optional(), timeout: z.string().optional() }))
      .optional(),
  })
  .loose();

export type FunctionConfig = z.infer<typeof functionConfigSchema>;

export const syncBodySchema = z
  .object({
    url: z.string(),
    appName: z.string(),
    framework: z.string().optional(),
    sdk: z.string().optional(),
    functions: z.array(functionConfigSchema).default([]),
  })
  .loose();

export type SyncBody = z.infer<typeof syncBodySchema>;

export interface RegisteredApp {
  id: string;
  url: string;
  functions: FunctionConfig[];
  syncedAt: number;
}

/** Default server-side retry count when the function does not set `retries` (Inngest: 4). */
export const DEFAULT_RETRIES = 4;

export function maxAttempts(fn: FunctionConfig): number {
  const step = Object.values(fn.steps)[0];
  return (step?.retries?.attempts ?? DEFAULT_RETRIES) + 1;
}

export function functionUrl(fn: FunctionConfig, stepId: string): string {
  const step = Object.values(fn.steps)[0];
  if (!step) throw new Error(`function ${fn.id} has no step runtime`);
  const url = new URL(step.runtime.url);
  url.searchParams.set("fnId", fn.id);
  url.searchParams.set("stepId", stepId);
  return url.toString();
}

const SECOND_MS = 1000;
const SEVEN_DAYS_MS = 7 * 86_400_000;

/**
 * What Inngest refuses at sync time and our engine would otherwise run differently: one message
 * per problem, naming the function and the rule. Empty when the app may be registered.
 */
export function registrationProblems(body: SyncBody): string[] {
  const problems: string[] = [];
  for (const fn of body.functions) {
    if (fn.debounce) {
      const period = parseDurationMs(fn.debounce.period);
      if (period === undefined || period < SECOND_MS || period > SEVEN_DAYS_MS) {
        problems.push(
          `function ${fn.id}: debounce period must be between 1s and 7d (got ${String(fn.debounce.period)})`,
        );
      }
    }
  }
  return problems;
}
