// The engine's movable clock: real time plus an offset that only grows. It never goes backwards,
// also across restarts (the offset and the last reading are persisted by the engine).
/** The most one advance may move the clock: a bit more than a year covers every demo and test. */
export const MAX_ADVANCE_MS = 366 * 86_400_000;
/** The clock stays within what a date can show (ISO strings, BSON dates). */
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

export interface ClockState {
  offsetMs: number;
  lastMs: number;
}

export class EngineClock {
  private offsetMs: number;
  private floorMs: number;

  constructor(
    state: ClockState | undefined,
    private readonly realNow: () => number = () => Date.now(),
  ) {
    this.offsetMs = state?.offsetMs ?? 0;
    this.floorMs = state?.lastMs ?? 0;
    // The machine's clock went backwards while we were stopped: grow the offset instead.
    const gap = this.floorMs - (this.realNow() + this.offsetMs);
    if (gap > 0) this.offsetMs += gap;
  }

  nowMs(): number {
    const t = this.realNow() + this.offsetMs;
    if (t > this.floorMs) this.floorMs = t;
    return this.floorMs;
  }

  /** Whether `advance(ms)` is allowed: 0 to MAX_ADVANCE_MS, and the clock stays before the year 10000. */
  canAdvance(ms: number): boolean {
    return Number.isFinite(ms) && ms >= 0 && ms <= MAX_ADVANCE_MS && this.nowMs() + ms <= LATEST_MS;
  }

  advance(ms: number): number {
    if (!this.canAdvance(ms)) {
      throw new RangeError(
        `advance(ms) needs 0 to ${MAX_ADVANCE_MS} ms that keep the clock before the year 10000`,
      );
    }
    this.offsetMs += ms;
    return this.nowMs();
  }

  state(): ClockState {
    return { offsetMs: this.offsetMs, lastMs: this.nowMs() };
  }
}
