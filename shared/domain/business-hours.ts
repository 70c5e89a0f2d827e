// Quiet hours for proactive messages: when the business is open (config business.*), and when it
// next opens. Pure functions over an instant and an IANA time zone (Intl), so they are tested
// without a clock and give the right answer across daylight-saving changes.
import type { BusinessHours } from "../config/index.js";

export interface BusinessSchedule {
  /** IANA time zone, e.g. "America/Mexico_City". */
  timezone: string;
  hours: BusinessHours;
  /** Opening days, 0 = Sunday (as Date#getDay). */
  days: readonly number[];
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  /** Minutes after local midnight. */
  minute: number;
  weekday: number;
}

const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timezone: string): Intl.DateTimeFormat {
  let f = formatters.get(timezone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: timezone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
    });
    formatters.set(timezone, f);
  }
  return f;
}

function localParts(ms: number, timezone: string): LocalParts & { second: number } {
  const parts: Record<string, string> = {};
  for (const p of formatter(timezone).formatToParts(new Date(ms))) parts[p.type] = p.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    minute: Number(parts.hour) * 60 + Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS.indexOf(parts.weekday ?? ""),
  };
}

/** Local time minus UTC at instant `ms`, in milliseconds (whole seconds). */
function offsetMs(ms: number, timezone: string): number {
  const p = localParts(ms, timezone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, 0, p.minute, p.second);
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time. A time skipped by a spring-forward change (02:30 on that
 * night) maps to the same distance after the change (03:30); a repeated one picks one of the two.
 */
export function zonedTimeToUtc(
  date: { year: number; month: number; day: number },
  minuteOfDay: number,
  timezone: string,
): number {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minuteOfDay);
  const first = offsetMs(wall, timezone);
  const guess = wall - first;
  const second = offsetMs(guess, timezone);
  if (first === second) return guess;
  const other = wall - second;
  if (offsetMs(other, timezone) === second) return other;
  // In the gap: use the offset in force before the change.
  return wall - Math.min(first, second);
}

/** "YYYY-MM-DD" of the instant in the time zone (the business day usage and cost caps count). */
export function localDay(at: Date, timezone: string): string {
  const p = localParts(at.getTime(), timezone);
  return `${p.year}-${String(p.month).padStart(2, "0")}-${String(p.day).padStart(2, "0")}`;
}

/**
 * The first instant at or after `now` when the business is open: `now` itself while open, else the
 * next opening time. Looks a week ahead; with no opening at all (no days configured) returns `now`
 * rather than hold messages forever.
 */
export function nextOpening(now: Date, schedule: BusinessSchedule): Date {
  const nowMs = now.getTime();
  const today = localParts(nowMs, schedule.timezone);
  for (let offset = 0; offset <= 7; offset += 1) {
    // Calendar arithmetic on the local date (UTC fields used as a plain calendar).
    const calendar = new Date(Date.UTC(today.year, today.month - 1, today.day + offset));
    const date = {
      year: calendar.getUTCFullYear(),
      month: calendar.getUTCMonth() + 1,
      day: calendar.getUTCDate(),
    };
    if (!schedule.days.includes(calendar.getUTCDay())) continue;
    const opens = zonedTimeToUtc(date, schedule.hours.openMinute, schedule.timezone);
    const closes = zonedTimeToUtc(date, schedule.hours.closeMinute, schedule.timezone);
    if (nowMs < opens) return new Date(opens);
    if (nowMs < closes) return now;
  }
  return now;
}

export function isOpen(now: Date, schedule: BusinessSchedule): boolean {
  return nextOpening(now, schedule).getTime() === now.getTime();
}
