import { describe, expect, test } from "vitest";
import { canonicalJson } from "../../../sandbox/engine/canonical-json.js";
import { celKey, celMatches } from "../../../sandbox/engine/cel.js";
import { EngineClock } from "../../../sandbox/engine/clock.js";
import { nextCronMs, parseCron } from "../../../sandbox/engine/cron.js";
import { parseDurationMs, resolveDueAt } from "../../../sandbox/engine/duration.js";
import { ulid } from "../../../sandbox/engine/ids.js";
import { ConcurrencyGate, ThrottleWindow, debounceDueAt } from "../../../sandbox/engine/flow-control.js";
import { signBody, stripSigningKeyPrefix, verifySignature } from "../../../sandbox/engine/signing.js";

// Small decisions the engine makes: expressions, durations, clock, cron, flow control, signing.
describe("CEL", () => {
  test("compares trigger and candidate events; a missing field is no match, not an error", () => {
    const vars = { event: { data: { id: "a", n: 2 } }, async: { data: { id: "a" } } };
    expect(celMatches("event.data.id == async.data.id", vars)).toBe(true);
    expect(celMatches("event.data.n >= 2 && event.data.n < 2.5", vars)).toBe(true);
    expect(celMatches("async.data.missing == 'x'", vars)).toBe(false);
    expect(celMatches("this is not CEL", vars)).toBe(false);
    expect(celMatches(undefined, vars)).toBe(true);
    expect(celKey("event.data.n", vars)).toBe("2");
    expect(celKey("event.data.id", vars)).toBe("a");
  });
});

describe("durations and the clock", () => {
  test("parses Inngest duration strings and ISO dates", () => {
    expect(parseDurationMs("10m")).toBe(600_000);
    expect(parseDurationMs("1h30m")).toBe(5_400_000);
    expect(parseDurationMs("7d")).toBe(604_800_000);
    expect(parseDurationMs("1w")).toBe(604_800_000);
    expect(parseDurationMs(1500)).toBe(1500);
    expect(parseDurationMs("soon")).toBeUndefined();
    expect(resolveDueAt("2030-01-01T00:00:00.000Z", 0)).toBe(Date.UTC(2030, 0, 1));
  });

  test("the clock moves forward with advance and never goes back, even if real time does", () => {
    let real = 1_000_000;
    const clock = new EngineClock(undefined, () => real);
    expect(clock.advance(60_000)).toBe(1_060_000);
    const saved = clock.state();
    real = 500_000; // machine clock jumped back while stopped
    const restarted = new EngineClock(saved, () => real);
    expect(restarted.nowMs()).toBe(1_060_000);
    real += 10;
    expect(restarted.nowMs()).toBe(1_060_010);
    expect(() => restarted.advance(-1)).toThrow();
  });

  test("cron specs accept a TZ prefix", () => {
    expect(parseCron("TZ=Europe/Berlin 0 3 * * *")).toEqual({
      pattern: "0 3 * * *",
      timezone: "Europe/Berlin",
    });
    const after = Date.UTC(2026, 0, 10, 12, 0);
    expect(nextCronMs("TZ=Europe/Berlin 0 3 * * *", after)).toBe(Date.UTC(2026, 0, 11, 2, 0)); // CET = UTC+1
    expect(nextCronMs("*/15 * * * *", after)).toBe(Date.UTC(2026, 0, 10, 12, 15));
    expect(nextCronMs("not a cron", after)).toBeUndefined();
  });
});

describe("flow control", () => {
  test("throttle spaces starts so no period holds more than limit + burst", () => {
    const t = new ThrottleWindow();
    const starts = [1, 2, 3, 4].map(() => t.reserve("k", 1, 1, 60_000, 0));
    expect(starts).toEqual([0, 0, 60_000, 60_000]);
    expect(t.reserve("other", 1, 0, 60_000, 0)).toBe(0);
  });

  test("debounce waits `period` after the last event, capped by `timeout` after the first", () => {
    expect(debounceDueAt(0, 5000, "10s", undefined)).toBe(15_000);
    expect(debounceDueAt(0, 5000, "10s", "12s")).toBe(12_000);
  });

  test("the concurrency gate admits up to the limit per key", () => {
    const gate = new ConcurrencyGate();
    const keys = [{ id: "k", limit: 2 }];
    expect([gate.tryAcquire(keys), gate.tryAcquire(keys), gate.tryAcquire(keys)]).toEqual([
      true,
      true,
      false,
    ]);
    gate.release(keys);
    expect(gate.tryAcquire(keys)).toBe(true);
  });
});

describe("signing", () => {
  const key = "signkey-prod-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  test("strips the signkey prefix and verifies within five minutes only", () => {
    expect(stripSigningKeyPrefix(key)).toBe(
      "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    );
    const header = signBody('{"a":1}', key, 1_700_000_000);
    expect(header).toMatch(/^t=1700000000&s=[0-9a-f]{64}$/);
    expect(verifySignature('{"a":1}', header, key, 1_700_000_000_000 + 60_000)).toBe(true);
    expect(verifySignature('{"a":2}', header, key, 1_700_000_000_000)).toBe(false);
    expect(verifySignature('{"a":1}', header, key, 1_700_000_000_000 + 6 * 60_000)).toBe(false);
  });

  test("canonical JSON sorts keys at every level and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { z: 1, y: 2 }], c: undefined }, é: "ü" })).toBe(
      '{"a":{"d":[1,{"y":2,"z":1}]},"b":1,"é":"ü"}',
    );
  });
});

describe("ids", () => {
  test("run and event ids sort in creation order, also within one millisecond", () => {
    const ids = Array.from({ length: 50 }, () => ulid(1_700_000_000_000));
    ids.push(ulid(1_700_000_000_001));
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids[0]).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });
});
