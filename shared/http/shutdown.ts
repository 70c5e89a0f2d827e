// Stopping a process on SIGINT/SIGTERM, the same way for every entry point: one "shutting down" line,
// the caller's stop, then exit 0, or exit 1 when stop fails or outlasts the grace period.

/**
 * How long a clean stop may take before the process exits anyway (code 1). Below the 30 s that
 * process managers (Heroku, Kubernetes, systemd) wait between SIGTERM and SIGKILL, so we exit on our
 * own terms; above what closing a browser session, servers and the database normally takes.
 */
export const SHUTDOWN_GRACE_MS = 20_000;

/** What the shutdown logs through (the product's pino logger fits). */
export interface ShutdownLogger {
  info(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

const SIGNALS = ["SIGINT", "SIGTERM"] as const;

/**
 * Runs `stop` on the first SIGINT or SIGTERM (later signals are ignored while it runs), then exits the
 * process: 0 after a clean stop, 1 if `stop` throws or takes longer than SHUTDOWN_GRACE_MS.
 */
export function onShutdownSignal(logger: ShutdownLogger, stop: (signal: string) => Promise<void>): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, "shutting down");
    setTimeout(() => {
      logger.error({ graceMs: SHUTDOWN_GRACE_MS }, "shutdown took too long");
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ error: String(error) }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  for (const signal of SIGNALS) process.on(signal, () => shutdown(signal));
}
