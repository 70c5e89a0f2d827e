// Per-account pacing of proactive sends: at most `limit` per `periodMs`, handed out as time slots.
// In memory on purpose: exactly one worker process serves a WhatsApp account (a browser session
// cannot be shared), so this process sees every proactive send of its account. After a restart the
// budget starts empty, which can let one extra period's worth through; the per-recipient limit is
// Inngest's own throttle and survives restarts.
export class SendBudget {
  /** Reserved send times, ascending; any window of `periodMs` holds at most `limit` of them. */
  private slots: number[] = [];

  constructor(
    readonly limit: number,
    readonly periodMs: number,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError("limit must be a positive integer");
    if (!(periodMs > 0)) throw new RangeError("periodMs must be positive");
  }

  /** Reserves the earliest free slot at or after `nowMs`; returns how long to wait for it (0 = now). */
  reserve(nowMs: number): number {
    while (this.slots.length > 0 && (this.slots[0] ?? 0) <= nowMs - this.periodMs) this.slots.shift();
    // Fewer than `limit` slots left means none is in the future (a future slot has `limit - 1` after its anchor).
    if (this.slots.length < this.limit) {
      this.slots.push(nowMs);
      return 0;
    }
    // The slot `limit` places back frees up one period after it was used.
    const anchor = this.slots[this.slots.length - this.limit] ?? nowMs;
    const at = Math.max(nowMs, anchor + this.periodMs);
    this.slots.push(at);
    return at - nowMs;
  }
}
