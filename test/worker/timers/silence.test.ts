// What a timer does when a wait ends: MongoDB's view of the conversation decides, and silence is
// counted from the customer's last message (which the wait may have missed).
import { describe, expect, it } from "vitest";
import { decideAfterWait, type SilenceRules } from "../../../worker/timers/silence.js";

const MINUTE = 60_000;
const T0 = Date.parse("2026-11-18T18:00:00.000Z"); // Wednesday 12:00 in Mexico City
const rules: SilenceRules = {
  mode: "collecting_data",
  episode: 3,
  silenceMs: 6 * MINUTE,
  watchingSinceMs: T0,
};
const conversation = (over: Partial<Parameters<typeof decideAfterWait>[0] & object> = {}) => ({
  mode: "collecting_data" as const,
  episode: 3,
  lastInboundAtMs: T0 - 2_000,
  done: false,
  ...over,
});

describe("decideAfterWait", () => {
  it("acts after the full silence", () => {
    expect(decideAfterWait(conversation(), T0 + 6 * MINUTE, rules)).toEqual({ kind: "act" });
  });

  it("waits the rest when the customer wrote recently, even if the wait never saw it", () => {
    const wroteAt = T0 + 4 * MINUTE;
    expect(decideAfterWait(conversation({ lastInboundAtMs: wroteAt }), T0 + 6 * MINUTE, rules)).toEqual({
      kind: "wait",
      ms: 4 * MINUTE,
    });
  });

  it("rounds a remaining wait up to whole seconds", () => {
    expect(decideAfterWait(conversation(), T0 + 6 * MINUTE - 1_500, rules)).toEqual({
      kind: "wait",
      ms: 2_000,
    });
  });

  it("stops when the conversation left the mode or episode, the goal is met, or it is gone", () => {
    const later = T0 + 10 * MINUTE;
    expect(decideAfterWait(conversation({ mode: "promos" }), later, rules)).toEqual({
      kind: "stop",
      reason: "mode-changed",
    });
    // Back in collecting_data, but a later stay: a newer timer owns it.
    expect(decideAfterWait(conversation({ episode: 5 }), later, rules)).toEqual({
      kind: "stop",
      reason: "mode-changed",
    });
    expect(decideAfterWait(conversation({ done: true }), later, rules)).toEqual({
      kind: "stop",
      reason: "done",
    });
    expect(decideAfterWait(null, later, rules)).toEqual({ kind: "stop", reason: "gone" });
  });

  it("sleeps until the business opens when the silence ends in quiet hours", () => {
    const schedule = {
      timezone: "America/Mexico_City",
      hours: { openMinute: 9 * 60, closeMinute: 19 * 60 },
      days: [1, 2, 3, 4, 5, 6],
    };
    // Wednesday 21:00 local → Thursday 09:00 local (15:00 UTC).
    const night = Date.parse("2026-11-19T03:00:00.000Z");
    expect(
      decideAfterWait(conversation({ lastInboundAtMs: night - 10 * MINUTE }), night, {
        ...rules,
        watchingSinceMs: night - 10 * MINUTE,
        schedule,
      }),
    ).toEqual({ kind: "sleep-until", atMs: Date.parse("2026-11-19T15:00:00.000Z") });
  });
});
