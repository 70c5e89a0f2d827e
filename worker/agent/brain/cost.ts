// What a brain call cost, in millionths of a US dollar. Anthropic quotes USD per million tokens, which
// is exactly micro-USD per token, so the table below is used as is. Cache writes (5-minute TTL) cost
// 1.25x input, cache reads 0.1x input. Unknown models are priced with DEFAULT_MODEL_PRICE.
import type { BrainUsage } from "./types.js";

export interface ModelPrice {
  /** USD per million tokens = micro-USD per token. */
  input: number;
  output: number;
  cacheWrite: number;
  cacheRead: number;
}

const price = (input: number, output: number, cacheReadFactor = 0.1): ModelPrice => ({
  input,
  output,
  cacheWrite: input * 1.25,
  cacheRead: input * cacheReadFactor,
});

/**
 * USD per million tokens, from Anthropic's pricing page (platform.claude.com/docs/en/about-claude/pricing).
 * Newer models have cheaper cache reads (0.05x or 0.025x input). Pass `prices` to the Claude brain to
 * override or extend this table without a release.
 */
export const MODEL_PRICES: Readonly<Record<string, ModelPrice>> = {
  "claude-fable-5-1": price(10, 50, 0.025),
  "claude-mythos-5-1": price(10, 50, 0.025),
  "claude-fable-5": price(10, 50),
  "claude-mythos-5": price(10, 50),
  "claude-opus-5-5": price(4, 20, 0.05),
  "claude-opus-5": price(5, 25),
  "claude-opus-4-8": price(5, 25),
  "claude-opus-4-7": price(5, 25),
  "claude-opus-4-6": price(5, 25),
  "claude-opus-4-5": price(5, 25),
  "claude-opus-4-1": price(15, 75),
  "claude-sonnet-5-5": price(2, 10, 0.05),
  "claude-sonnet-5": price(2, 10),
  "claude-sonnet-4-6": price(3, 15),
  "claude-sonnet-4-5": price(3, 15),
  "claude-sonnet-4-0": price(3, 15),
  // Haiku 5.5 prompts over 100k tokens cost 5x; the agent's prompts are far below that.
  "claude-haiku-5-5": price(0.1, 0.5),
  "claude-haiku-4-5": price(1, 5),
  "claude-3-5-haiku-latest": price(0.8, 4),
};

/** Used for models missing from the table: Sonnet prices (errs on the expensive side of Haiku). */
export const DEFAULT_MODEL_PRICE: ModelPrice = price(3, 15);

/** Finds the price of a model id, also for dated ids ("claude-sonnet-4-5-20250929"). */
export function priceFor(
  model: string,
  table: Readonly<Record<string, ModelPrice>> = MODEL_PRICES,
): ModelPrice {
  if (table[model]) return table[model];
  const base = Object.keys(table)
    .filter((k) => model.startsWith(`${k}-`))
    .sort((a, b) => b.length - a.length)[0];
  return (base && table[base]) || DEFAULT_MODEL_PRICE;
}

export function costMicroUsd(usage: BrainUsage, p: ModelPrice): number {
  return Math.ceil(
    usage.inputTokens * p.input +
      usage.outputTokens * p.output +
      usage.cacheWriteTokens * p.cacheWrite +
      usage.cacheReadTokens * p.cacheRead,
  );
}
