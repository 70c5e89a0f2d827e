// How sendOnce's errors map onto Inngest's retries, for every step that sends (the proactive send
// function, and the agent's replies): wait and retry while WhatsApp is not ready or another attempt
// is in flight; give up at once when retrying cannot help; retry anything else with backoff.
import { NonRetriableError, RetryAfterError } from "inngest";
import { InvalidInputError } from "../../shared/db/index.js";
import { InvalidRecipientError, TransportNotReadyError } from "../gateway/transport.js";
import { RecipientMismatchError, SendInFlightError, UnknownConversationError } from "./send-once.js";

/** Waiting for WhatsApp to come back: 10 s, 20 s, 40 s ... capped at 5 minutes (20 retries ≈ 1.3 h). */
export function notReadyRetryDelayMs(attempt: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempt), 300_000);
}

/** Maps sendOnce's errors onto Inngest's retry semantics. */
export function toStepError(error: unknown, attempt: number): unknown {
  if (error instanceof TransportNotReadyError) {
    return new RetryAfterError(error.message, notReadyRetryDelayMs(attempt), { cause: error });
  }
  if (error instanceof SendInFlightError) return new RetryAfterError(error.message, 30_000, { cause: error });
  if (
    error instanceof InvalidRecipientError ||
    error instanceof UnknownConversationError ||
    error instanceof RecipientMismatchError ||
    error instanceof InvalidInputError
  ) {
    return new NonRetriableError(error.message, { cause: error });
  }
  return error;
}
