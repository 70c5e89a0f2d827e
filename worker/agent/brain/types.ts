// The brain port: given the conversation as it stands and the customer's new messages, decide what to
// say and which tools to call. Two adapters implement it: Claude (claude.ts) and offline rules (rules.ts).
import type { CollectedFields, ConversationMode } from "../../../shared/domain/conversation.js";
import type { OrderSelectionLine } from "../../../shared/domain/pricing.js";
import type { CatalogOffer } from "./catalog-offer.js";
import type { RejectedToolCall, ToolCall } from "./tools.js";

export type { RejectedToolCall, ToolCall } from "./tools.js";

export interface ChatMessage {
  direction: "in" | "out";
  text: string;
  /** Conversation sequence number (messages collection), when known. */
  seq?: number;
}

export interface BrainContext {
  mode: ConversationMode;
  /**
   * The customer's data as stored, plus the phone they write from while they gave no other:
   * deliveries use the WhatsApp number unless the customer names another.
   */
  collected: Partial<CollectedFields>;
  /** Set when `collected.phone` is the WhatsApp number and not stored yet (the plan stores it). */
  defaultedPhone?: string;
  orderDraft?: OrderSelectionLine[] | null;
  catalog: CatalogOffer;
  /** Recent, already processed messages in and out, oldest first (window from config). */
  history: ChatMessage[];
  /** Inbound messages not processed yet (a debounced burst), oldest first. */
  newMessages: ChatMessage[];
}

export interface BrainUsage {
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
}

export interface BrainDecision {
  /** Texts for the customer, in order (the agent may add code-written ones, e.g. prices). */
  replies: string[];
  /** Validated tool calls, in the order the brain made them. */
  toolCalls: ToolCall[];
  /** Tool calls that failed validation and were dropped. */
  rejectedToolCalls: RejectedToolCall[];
  brain: "claude" | "rules";
  usage?: BrainUsage;
  /** Millionths of a US dollar for this call. */
  costMicroUsd?: number;
  model?: string;
  stopReason?: string;
}

export interface Brain {
  readonly kind: "claude" | "rules";
  decide(context: BrainContext): Promise<BrainDecision>;
}
