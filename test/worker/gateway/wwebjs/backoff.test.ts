import { describe, expect, it } from "vitest";
import { backoffDelayMs } from "../../../../worker/gateway/wwebjs/backoff.js";

const options = { initialMs: 500, factor: 2, maxMs: 10_000, jitter: 0 };

describe("backoffDelayMs", () => {
  it("doubles per failure up to the cap", () => {
    const delays = [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelayMs(n, options, () => 0.5));
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 8_000, 10_000, 10_000]);
  });

  it("jitter shortens the delay by at most its fraction", () => {
    const jittered = { ...options, jitter: 0.25 };
    expect(backoffDelayMs(3, jittered, () => 0)).toBe(2_000);
    expect(backoffDelayMs(3, jittered, () => 0.999999)).toBe(1_500);
  });
});
