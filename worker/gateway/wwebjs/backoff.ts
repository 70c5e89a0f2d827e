export interface BackoffOptions {
  /** Delay before the first retry. */
  initialMs: number;
  /** Growth per consecutive failure. */
  factor: number;
  /** Upper bound of any delay. */
  maxMs: number;
  /** 0 = exact delays; 0.5 = each delay is randomly shortened by up to 50% (spreads restarts). */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = {
  initialMs: 1_000,
  factor: 2,
  maxMs: 5 * 60_000,
  jitter: 0.2,
};

/** Delay before retry number `failures` (1 = after the first failure). `random` returns [0, 1). */
export function backoffDelayMs(failures: number, options: BackoffOptions, random: () => number): number {
  const exponent = Math.max(0, failures - 1);
  const base = Math.min(options.maxMs, options.initialMs * options.factor ** exponent);
  const jitter = Math.min(1, Math.max(0, options.jitter));
  return Math.round(base * (1 - jitter * random()));
}
