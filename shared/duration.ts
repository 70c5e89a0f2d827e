// Human durations ("6m", "24h", "1h30m", "500ms") as used in settings and by Inngest.

const UNIT_MS = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
} as const;

type Unit = keyof typeof UNIT_MS;

const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;

/**
 * Parses "2s", "6m", "24h", "1h30m", "1.5h", "250ms", "0s" into milliseconds.
 * A bare number is refused: "10" could be seconds or minutes, so the unit is required.
 * Returns undefined for anything it cannot read.
 */
export function parseDuration(text: string): number | undefined {
  const compact = text.trim().toLowerCase().replace(/\s+/g, "");
  if (!WHOLE.test(compact)) return undefined;
  let total = 0;
  for (const [, amount, unit] of compact.matchAll(PART)) {
    total += Number(amount) * UNIT_MS[unit as Unit];
  }
  return Math.round(total);
}

/**
 * Formats milliseconds as the shortest Inngest time string ("6m", "1h30m", "1500ms").
 * Inngest rounds sub-second durations up to 1s, so callers should not rely on them.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError("duration must be a non-negative finite number");
  if (ms === 0) return "0s";
  if (ms % 1_000 !== 0) return `${Math.round(ms)}ms`;
  let rest = ms;
  let out = "";
  for (const unit of ["d", "h", "m", "s"] as const) {
    const size = UNIT_MS[unit];
    const count = Math.floor(rest / size);
    if (count > 0) {
      out += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return out;
}
