// Claude adapter of the brain port: one Messages API call per customer burst, with tools. Text blocks
// become replies, tool_use blocks become validated ToolCalls (invalid ones are dropped and reported).
// The SDK does not retry (maxRetries: 0): the Inngest step does, on BrainRetriableError.
import Anthropic from "@anthropic-ai/sdk";
import type { Config } from "../../../shared/config/index.js";
import type { ModelPrice } from "./cost.js";
import { MODEL_PRICES, costMicroUsd, priceFor } from "./cost.js";
import { BrainUnavailableError, classifyBrainError } from "./errors.js";
import { buildClaudeRequest } from "./prompt.js";
import { parseToolCall } from "./tools.js";
import type { Brain, BrainContext, BrainDecision, BrainUsage } from "./types.js";

const DEFAULT_TIMEOUT_MS = 60_000;

export interface ClaudeBrainOptions {
  apiKey: string;
  /** Messages API base URL; tests and the sandbox point it at the fake API. */
  baseURL?: string;
  model: string;
  maxTokens: number;
  /** How many recent messages the model sees. */
  historyWindow: number;
  /** Per-model prices in USD per million tokens (defaults to MODEL_PRICES). */
  prices?: Readonly<Record<string, ModelPrice>>;
  /** Per-request timeout (ms, default 60 s; the SDK's own default is 10 minutes); a timeout is retriable. */
  timeoutMs?: number;
}

export function claudeBrainOptionsFromConfig(config: Config): ClaudeBrainOptions | null {
  if (!config.anthropic.apiKey) return null;
  return {
    apiKey: config.anthropic.apiKey,
    ...(config.anthropic.baseUrl ? { baseURL: config.anthropic.baseUrl } : {}),
    model: config.anthropic.model,
    maxTokens: config.anthropic.maxTokens,
    historyWindow: config.agent.historyWindow,
  };
}

interface ResponseUsage {
  input_tokens?: number | null;
  output_tokens?: number | null;
  cache_read_input_tokens?: number | null;
  cache_creation_input_tokens?: number | null;
}

function toUsage(u: ResponseUsage | undefined): BrainUsage {
  return {
    inputTokens: u?.input_tokens ?? 0,
    outputTokens: u?.output_tokens ?? 0,
    cacheReadTokens: u?.cache_read_input_tokens ?? 0,
    cacheWriteTokens: u?.cache_creation_input_tokens ?? 0,
  };
}

export function createClaudeBrain(options: ClaudeBrainOptions): Brain {
  const client = new Anthropic({
    apiKey: options.apiKey,
    baseURL: options.baseURL ?? null,
    maxRetries: 0,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  });
  const price = priceFor(options.model, options.prices ?? MODEL_PRICES);

  async function decide(context: BrainContext): Promise<BrainDecision> {
    const request = buildClaudeRequest(context, options);
    let message: Awaited<ReturnType<typeof client.messages.create>>;
    try {
      message = await client.messages.create({ ...request, stream: false });
    } catch (error) {
      throw classifyBrainError(error);
    }
    if (!message || !Array.isArray(message.content)) {
      throw new BrainUnavailableError("Anthropic API response has no content array", "invalid-response");
    }
    const decision: BrainDecision = {
      replies: [],
      toolCalls: [],
      rejectedToolCalls: [],
      brain: "claude",
      model: message.model,
      ...(message.stop_reason ? { stopReason: message.stop_reason } : {}),
    };
    for (const block of message.content) {
      if (block.type === "text") {
        const text = block.text.trim();
        if (text !== "") decision.replies.push(text);
      } else if (block.type === "tool_use") {
        const parsed = parseToolCall(block.name, block.input);
        if (parsed.ok) decision.toolCalls.push(parsed.call);
        else decision.rejectedToolCalls.push(parsed.rejected);
      }
    }
    const usage = toUsage(message.usage);
    decision.usage = usage;
    decision.costMicroUsd = costMicroUsd(usage, price);
    return decision;
  }

  return { kind: "claude", decide };
}
