import { Cron } from "croner";

// Cron triggers: "0 3 * * *", optionally prefixed "TZ=Europe/Berlin " (or "CRON_TZ=").
export function parseCron(spec: string): { pattern: string; timezone?: string } {
  const m = /^\s*(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(spec);
  if (m && m[1] && m[2] !== undefined) return { pattern: m[2].trim(), timezone: m[1] };
  return { pattern: spec.trim() };
}

/** The next tick strictly after `afterMs`, or undefined for an invalid or finished schedule. */
export function nextCronMs(spec: string, afterMs: number): number | undefined {
  try {
    const { pattern, timezone } = parseCron(spec);
    const job = new Cron(pattern, { paused: true, ...(timezone ? { timezone } : {}) });
    const next = job.nextRun(new Date(afterMs));
    job.stop();
    return next ? next.getTime() : undefined;
  } catch {
    return undefined;
  }
}
