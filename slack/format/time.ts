// Times as staff read them in Slack: "14:02" today, "1 Dec 14:02" on another day, in the business's
// time zone (Slack messages are shared by people in one office; the card must read the same for all).
import { formatDuration } from "../../shared/duration.js";

function parts(date: Date, timezone: string): { day: string; time: string } {
  const time = new Intl.DateTimeFormat("en-GB", {
    timeZone: timezone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(date);
  const day = new Intl.DateTimeFormat("en-GB", { timeZone: timezone, day: "numeric", month: "short" }).format(
    date,
  );
  return { day, time };
}

/** "14:02" when `date` is on the same local day as `now`, else "1 Dec 14:02". */
export function formatSlackTime(date: Date, now: Date, timezone: string): string {
  const at = parts(date, timezone);
  const today = parts(now, timezone);
  const sameYear =
    new Intl.DateTimeFormat("en-GB", { timeZone: timezone, year: "numeric" }).format(date) ===
    new Intl.DateTimeFormat("en-GB", { timeZone: timezone, year: "numeric" }).format(now);
  return at.day === today.day && sameYear ? at.time : `${at.day} ${at.time}`;
}

/** A Slack mention of a user id ("<@U123>" renders as @name). */
export function mention(userId: string): string {
  return `<@${userId}>`;
}

/** A wait as staff say it: "24h", "4h", "90m", "1h30m" (hours, not days, up to two days). */
export function formatWait(ms: number): string {
  const hour = 3_600_000;
  if (ms > 0 && ms % hour === 0 && ms <= 48 * hour) return `${ms / hour}h`;
  return formatDuration(ms);
}
