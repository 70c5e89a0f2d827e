// Inngest durations: "10m", "1h30m", "2s", "7d", "1w", a number of ms, or (sleepUntil) an ISO date.
const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
  y: 31_536_000_000,
};

/** Milliseconds in a duration string, or undefined if it is not one. */
export function parseDurationMs(value: unknown): number | undefined {
  if (typeof value === "number" && Number.isFinite(value)) return value;
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w|y)/gy;
  let total = 0;
  let matched = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    total += Number(m[1]) * (UNIT_MS[m[2] ?? ""] ?? 0);
    matched = re.lastIndex;
  }
  return matched === text.length && matched > 0 ? total : undefined;
}

/** When a sleep/timeout given as a duration or an ISO date ends, counted from `nowMs`. */
export function resolveDueAt(value: unknown, nowMs: number): number | undefined {
  const ms = parseDurationMs(value);
  if (ms !== undefined) return nowMs + ms;
  if (typeof value === "string") {
    const at = Date.parse(value);
    if (Number.isFinite(at)) return at;
  }
  return undefined;
}
