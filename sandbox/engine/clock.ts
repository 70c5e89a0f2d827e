// The engine's movable clock: real time plus an offset that only grows. It never goes backwards,
// also across restarts (the offset and the last reading are persisted by the engine).
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

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new Error("advance(ms) needs a non-negative number");
    this.offsetMs += ms;
    return this.nowMs();
  }

  state(): ClockState {
    return { offsetMs: this.offsetMs, lastMs: this.nowMs() };
  }
}
