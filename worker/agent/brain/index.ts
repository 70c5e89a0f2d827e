// The brain for this process: Claude when ANTHROPIC_API_KEY is set, the offline rules otherwise.
import type { Config } from "../../../shared/config/index.js";
import { claudeBrainOptionsFromConfig, createClaudeBrain } from "./claude.js";
import { createRulesBrain } from "./rules.js";
import type { Brain } from "./types.js";

export function createBrain(config: Config): Brain {
  const claude = claudeBrainOptionsFromConfig(config);
  return claude ? createClaudeBrain(claude) : createRulesBrain();
}

export type { Brain, BrainContext, BrainDecision, BrainUsage, ChatMessage } from "./types.js";
export type { ToolCall, RejectedToolCall, ToolName } from "./tools.js";
export { toolCallSchema, parseToolCall, TOOL_DEFINITIONS } from "./tools.js";
export { BrainRetriableError, BrainUnavailableError, classifyBrainError } from "./errors.js";
export { buildCatalogOffer } from "./catalog-offer.js";
export type { CatalogOffer, PackOffer } from "./catalog-offer.js";
export { createClaudeBrain, claudeBrainOptionsFromConfig } from "./claude.js";
export type { ClaudeBrainOptions } from "./claude.js";
export { createRulesBrain, decideByRules } from "./rules.js";
