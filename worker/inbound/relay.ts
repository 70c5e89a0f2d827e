// Announces stored inbound messages whose announcement never completed: the engine was down, or the
// process died between storing and sending. Runs once at start (crash recovery) and then on a timer
// that backs off while the engine keeps failing. Re-announcing uses the same event id, so a message
// announced twice is still one event.
import { clock } from "../../shared/clock.js";
import type { DbHandle } from "../../shared/db/index.js";
import type { InboundPipeline } from "./pipeline.js";
import { describeError, silentLogger, type WorkerLogger } from "../logger.js";

export interface InboundRelayOptions {
  accountId: string;
  db: Pick<DbHandle, "messages">;
  pipeline: Pick<InboundPipeline, "announceStored">;
  /** Pause between passes while all is well. Default 5 s. */
  intervalMs?: number;
  /** Longest pause while announcing keeps failing. Default 5 minutes. */
  maxIntervalMs?: number;
  /**
   * Only messages stored at least this long ago: younger ones are still being handled by the live
   * pipeline. Default 10 s.
   */
  minAgeMs?: number;
  batchSize?: number;
  logger?: WorkerLogger;
}

export interface RelayPass {
  announced: number;
  failed: boolean;
}

export class InboundRelay {
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private failures = 0;
  private pass: Promise<RelayPass> | undefined;
  private readonly logger: WorkerLogger;

  constructor(private readonly options: InboundRelayOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass?.catch(() => undefined);
  }

  /** One pass over the outbox, oldest first; stops at the first failure (the engine is likely down). */
  async runOnce(minAgeMs = this.options.minAgeMs ?? 10_000): Promise<RelayPass> {
    const { db, accountId, pipeline } = this.options;
    const storedBefore = new Date(clock.nowMs() - minAgeMs);
    const pending = await db.messages.listForwardPending(
      accountId,
      storedBefore,
      this.options.batchSize ?? 100,
    );
    let announced = 0;
    for (const message of pending) {
      try {
        await pipeline.announceStored(message);
        announced += 1;
      } catch (error) {
        this.logger.warn(
          { accountId, messageId: message._id, error: describeError(error) },
          "relay could not announce a stored message; will retry",
        );
        return { announced, failed: true };
      }
    }
    if (announced > 0) this.logger.info({ accountId, announced }, "relay announced stored messages");
    return { announced, failed: false };
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      this.pass = this.runOnce().catch((error: unknown) => {
        this.logger.warn(
          { accountId: this.options.accountId, error: describeError(error) },
          "relay pass failed",
        );
        return { announced: 0, failed: true };
      });
      void this.pass.then((result) => {
        this.failures = result.failed ? this.failures + 1 : 0;
        const base = this.options.intervalMs ?? 5_000;
        const max = this.options.maxIntervalMs ?? 300_000;
        this.schedule(Math.min(base * 2 ** this.failures, max));
      });
    }, delayMs);
    this.timer.unref();
  }
}
