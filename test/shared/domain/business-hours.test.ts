// Quiet hours: when proactive messages may go out, in the business's own time zone, across
// daylight-saving changes.
import { describe, expect, it } from "vitest";
import type { BusinessSchedule } from "../../../shared/domain/business-hours.js";
import { isOpen, localDay, nextOpening, zonedTimeToUtc } from "../../../shared/domain/business-hours.js";

const MON_SAT = [1, 2, 3, 4, 5, 6];
const MON_FRI = [1, 2, 3, 4, 5];
const EVERY_DAY = [0, 1, 2, 3, 4, 5, 6];
const hours = (open: string, close: string) => {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return { openMinute: minutes(open), closeMinute: minutes(close) };
};
const mexico: BusinessSchedule = {
  timezone: "America/Mexico_City",
  hours: hours("09:00", "19:00"),
  days: MON_SAT,
};
const at = (iso: string) => new Date(iso);
const opening = (iso: string, schedule: BusinessSchedule) => nextOpening(at(iso), schedule).toISOString();

describe("nextOpening (America/Mexico_City, UTC-6 all year, 09:00-19:00 mon-sat)", () => {
  it("is now while the business is open", () => {
    // Wednesday 12:00 local.
    expect(opening("2026-11-18T18:00:00.000Z", mexico)).toBe("2026-11-18T18:00:00.000Z");
    expect(isOpen(at("2026-11-18T18:00:00.000Z"), mexico)).toBe(true);
  });

  it("is today's opening early in the morning", () => {
    // Wednesday 07:30 local → 09:00 local.
    expect(opening("2026-11-18T13:30:00.000Z", mexico)).toBe("2026-11-18T15:00:00.000Z");
  });

  it("is tomorrow's opening from the closing minute on (closing is exclusive)", () => {
    // Wednesday 19:00 local → Thursday 09:00 local.
    expect(opening("2026-11-19T01:00:00.000Z", mexico)).toBe("2026-11-19T15:00:00.000Z");
    expect(isOpen(at("2026-11-19T00:59:00.000Z"), mexico)).toBe(true);
  });

  it("skips closed days: Saturday evening → Monday morning", () => {
    // Saturday 2026-11-21 20:00 local (Sunday 02:00 UTC) → Monday 2026-11-23 09:00 local.
    expect(opening("2026-11-22T02:00:00.000Z", mexico)).toBe("2026-11-23T15:00:00.000Z");
  });

  it("treats 00:00-24:00 every day as always open", () => {
    const always = { timezone: "America/Mexico_City", hours: hours("00:00", "24:00"), days: EVERY_DAY };
    for (const iso of ["2026-11-22T05:59:59.000Z", "2026-11-22T06:00:00.000Z", "2026-03-08T07:30:00.000Z"]) {
      expect(opening(iso, always)).toBe(iso);
    }
  });
});

describe("nextOpening across daylight-saving changes", () => {
  it("opens at 09:00 local on the Monday after the spring-forward weekend (America/New_York)", () => {
    const ny = { timezone: "America/New_York", hours: hours("09:00", "17:00"), days: MON_FRI };
    // Friday 2026-03-06 18:00 EST → Monday 2026-03-09 09:00 EDT (UTC-4 since Sunday), not 14:00 UTC.
    expect(opening("2026-03-06T23:00:00.000Z", ny)).toBe("2026-03-09T13:00:00.000Z");
  });

  it("opens at 09:00 local on the Monday after the fall-back weekend (Europe/Madrid)", () => {
    const madrid = { timezone: "Europe/Madrid", hours: hours("09:00", "19:00"), days: MON_SAT };
    // Saturday 2026-10-24 20:00 CEST → Monday 2026-10-26 09:00 CET (UTC+1 since Sunday).
    expect(opening("2026-10-24T18:00:00.000Z", madrid)).toBe("2026-10-26T08:00:00.000Z");
  });

  it("maps an opening time skipped by the clock change to the same distance after it", () => {
    const ny = { timezone: "America/New_York", hours: hours("02:30", "05:00"), days: EVERY_DAY };
    // 2026-03-08 01:00 EST: 02:30 does not exist that night; the business opens at 03:30 EDT.
    expect(opening("2026-03-08T06:00:00.000Z", ny)).toBe("2026-03-08T07:30:00.000Z");
    expect(zonedTimeToUtc({ year: 2026, month: 3, day: 8 }, 150, "America/New_York")).toBe(
      Date.parse("2026-03-08T07:30:00.000Z"),
    );
  });

  it("closes at 24:00 local on a day that is 23 hours long", () => {
    const late = { timezone: "Europe/Madrid", hours: hours("20:00", "24:00"), days: EVERY_DAY };
    // 2026-03-29 23:59 CEST (21:59 UTC) is still open; midnight is closed until 20:00.
    expect(isOpen(at("2026-03-29T21:59:00.000Z"), late)).toBe(true);
    expect(opening("2026-03-29T22:00:00.000Z", late)).toBe("2026-03-30T18:00:00.000Z");
  });
});

describe("localDay", () => {
  it("is the calendar day in the business's time zone", () => {
    expect(localDay(at("2026-11-22T05:00:00.000Z"), "America/Mexico_City")).toBe("2026-11-21");
    expect(localDay(at("2026-11-22T06:00:00.000Z"), "America/Mexico_City")).toBe("2026-11-22");
  });
});
