// How a failed brain call is handled:
// - BrainRetriableError (429, 529, other 5xx, 408/409, network errors, timeouts): throw it out of the
//   step; Inngest retries (honour `retryAfterMs` when set).
// - BrainUnavailableError (400, 401, 403, 404, 413, a malformed response...): retrying will not help;
//   the agent sends the customer a polite fallback (the brainFallbackReply message) and an
//   agent/brain.failed alert. Neither message carries customer data or a stack trace.
import { APIError } from "@anthropic-ai/sdk";

export class BrainRetriableError extends Error {
  override readonly name = "BrainRetriableError";
  readonly retriable = true;
  constructor(
    message: string,
    readonly status?: number,
    readonly type?: string,
    /** From the API's retry-after header, when it sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export class BrainUnavailableError extends Error {
  override readonly name = "BrainUnavailableError";
  readonly retriable = false;
  constructor(
    message: string,
    /** For the agent/brain.failed alert: "anthropic-api" or "invalid-response". */
    readonly kind: "anthropic-api" | "invalid-response" | "unexpected",
    readonly status?: number,
    readonly type?: string,
  ) {
    super(message);
  }
}

export type BrainError = BrainRetriableError | BrainUnavailableError;

export function isRetriableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = headers?.get("retry-after-ms");
  if (ms && Number.isFinite(Number(ms))) return Number(ms);
  const seconds = headers?.get("retry-after");
  if (seconds && Number.isFinite(Number(seconds))) return Number(seconds) * 1000;
  return undefined;
}

/** Maps anything the SDK threw to one of the two brain error classes (messages without request data). */
export function classifyBrainError(error: unknown): BrainError {
  if (error instanceof BrainRetriableError || error instanceof BrainUnavailableError) return error;
  if (error instanceof APIError) {
    const status = error.status;
    const type = error.type ?? undefined;
    const what = `Anthropic API ${status ?? "connection"} ${type ?? ""}`.trim();
    const detail = error.apiMessage ? `: ${error.apiMessage.slice(0, 300)}` : "";
    // No status: connection refused/reset, timeout or abort. Worth another try.
    if (status === undefined || isRetriableStatus(status)) {
      return new BrainRetriableError(
        `${what}${detail}`,
        status,
        type,
        retryAfterMs(error.headers as Headers | undefined),
      );
    }
    return new BrainUnavailableError(`${what}${detail}`, "anthropic-api", status, type);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new BrainUnavailableError(`unexpected brain failure: ${message.slice(0, 300)}`, "unexpected");
}
