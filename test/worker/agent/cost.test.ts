import { describe, expect, it } from "vitest";
import {
  DEFAULT_MODEL_PRICE,
  MODEL_PRICES,
  costMicroUsd,
  priceFor,
} from "../../../worker/agent/brain/cost.js";

describe("brain cost", () => {
  it("prices input, output, cache writes and cache reads in micro-USD", () => {
    const usage = { inputTokens: 1000, outputTokens: 100, cacheReadTokens: 2000, cacheWriteTokens: 500 };
    // Sonnet 4.6: $3 in, $15 out, $3.75 cache write, $0.30 cache read per million tokens.
    expect(costMicroUsd(usage, priceFor("claude-sonnet-4-6"))).toBe(3000 + 1500 + 1875 + 600);
  });

  it("finds dated model ids and falls back for unknown ones", () => {
    expect(priceFor("claude-haiku-4-5-20251001")).toBe(MODEL_PRICES["claude-haiku-4-5"]);
    expect(priceFor("some-new-model")).toBe(DEFAULT_MODEL_PRICE);
    expect(priceFor("x", { x: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 } }).output).toBe(2);
  });
});
