import { z } from "zod";

// What a call to an app's serve() endpoint produced, decoded from the HTTP response.
export const opSchema = z
  .object({
    id: z.string(),
    op: z.string(),
    name: z.string().optional(),
    displayName: z.string().optional(),
    opts: z.record(z.string(), z.unknown()).nullish(),
    data: z.unknown().optional(),
    error: z.unknown().optional(),
    userland: z.object({ id: z.string(), index: z.number().optional() }).loose().optional(),
  })
  .loose();
export type Op = z.infer<typeof opSchema>;

export type CallOutcome =
  | { kind: "complete"; output: unknown }
  | { kind: "ops"; ops: Op[]; retryAfter?: string }
  | { kind: "error"; retriable: boolean; retryAfter?: string; error: unknown; status: number };

export function decodeResponse(status: number, headers: Headers, text: string): CallOutcome {
  const retryAfter = headers.get("retry-after") ?? undefined;
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // keep raw text: an HTML error page from a proxy, for example
  }
  if (status === 200) return { kind: "complete", output: body ?? null };
  if (status === 206) {
    const list = z.array(opSchema).safeParse(Array.isArray(body) ? body : [body]);
    if (list.success) return { kind: "ops", ops: list.data, ...(retryAfter ? { retryAfter } : {}) };
    return {
      kind: "error",
      retriable: true,
      error: { name: "Error", message: "malformed 206 body" },
      status,
    };
  }
  // Only the SDK's explicit no-retry (NonRetriableError, final step error) is final; 5xx, 401, 404... retry.
  const noRetry = headers.get("x-inngest-no-retry") === "true";
  return {
    kind: "error",
    retriable: !noRetry,
    error: body ?? { name: "Error", message: `HTTP ${status}` },
    status,
    ...(retryAfter ? { retryAfter } : {}),
  };
}

/** When to retry given a Retry-After header (seconds or a date), else exponential backoff from `attempt`. */
export function retryAt(nowMs: number, attempt: number, retryAfter: string | undefined): number {
  if (retryAfter) {
    const seconds = Number(retryAfter);
    if (Number.isFinite(seconds)) return nowMs + seconds * 1000;
    const at = Date.parse(retryAfter);
    if (Number.isFinite(at)) return Math.max(nowMs, at);
  }
  return nowMs + backoffMs(attempt);
}

/** 1s, 2s, 4s, ... capped at 5 minutes. */
export function backoffMs(attempt: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attempt - 1), 300_000);
}
