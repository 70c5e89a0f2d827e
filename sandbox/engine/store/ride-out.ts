import { MongoError, MongoNetworkError, MongoServerSelectionError } from "mongodb";

// The store's MongoDB may be unreachable for a moment (restarted, a network blip). Each operation is
// tried again with growing pauses for up to a minute before its error reaches the engine, so a short
// outage delays runs instead of leaving the store behind the engine's memory. Only "could not reach
// the server" errors are retried, and every store operation may run twice: upserts, reads, deletes.
const RIDE_OUT_MS = 60_000;

function unreachable(error: unknown): boolean {
  if (error instanceof MongoNetworkError || error instanceof MongoServerSelectionError) return true;
  // A dropped connection inside a bulk write arrives wrapped; its labels are the network error's.
  return (
    error instanceof MongoError &&
    (error.hasErrorLabel("ResetPool") || error.hasErrorLabel("RetryableWriteError"))
  );
}

export async function rideOut<T>(operation: () => Promise<T>): Promise<T> {
  const giveUpAt = Date.now() + RIDE_OUT_MS;
  for (let pauseMs = 100; ; pauseMs = Math.min(pauseMs * 2, 2_000)) {
    try {
      return await operation();
    } catch (error) {
      if (!unreachable(error) || Date.now() + pauseMs > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}
