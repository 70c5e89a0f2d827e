// When the database cannot be reached for a moment (restarted, failing over, a network blip), a
// command that must not be dropped is tried again until the database answers. The driver already
// waits for a server to come back before it sends a new command (serverSelectionTimeoutMS); what
// fails at once is a command that was on the wire when the connection dropped.
import { MongoError, MongoNetworkError, MongoServerSelectionError } from "mongodb";

/** How long a command that must not be dropped is tried again while the database is unreachable. */
const UNREACHABLE_RETRY_WINDOW_MS = 60_000;

/**
 * The database could not be reached (the connection dropped mid-command, or no server answered in
 * time): the same command may well succeed a moment later. Any other error is an answer.
 */
function isTransientDbError(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  // A dropped connection inside a bulk write arrives wrapped; its labels are the network error's.
  return (
    error instanceof MongoError &&
    (error.hasErrorLabel("ResetPool") || error.hasErrorLabel("RetryableWriteError"))
  );
}

/**
 * Runs `operation` (which must be safe to run twice) and runs it again, with growing pauses, while
 * it fails because the database is unreachable, for up to `windowMs`; then its error is thrown.
 */
export async function retryWhileUnreachable<T>(
  operation: () => Promise<T>,
  options: { windowMs?: number; onRetry?: (error: unknown) => void } = {},
): Promise<T> {
  const giveUpAt = Date.now() + (options.windowMs ?? UNREACHABLE_RETRY_WINDOW_MS);
  for (let pauseMs = 250; ; pauseMs = Math.min(pauseMs * 2, 5_000)) {
    try {
      return await operation();
    } catch (error) {
      if (!isTransientDbError(error) || Date.now() + pauseMs > giveUpAt) throw error;
      options.onRetry?.(error);
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
