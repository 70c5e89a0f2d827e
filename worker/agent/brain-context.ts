// Builds the brain's view of a conversation from what MongoDB holds: the processed history (window
// from config) and the inbound messages after the watermark (a debounced burst is several). One turn
// is capped (TURN_LIMITS): a flood of messages, or one huge message, cannot blow up the prompt or its
// cost; the brain sees the latest ones, and the watermark still covers every new message.
import type { ConversationMode, CollectedFields } from "../../shared/domain/conversation.js";
import type { Product } from "../../shared/domain/catalog.js";
import type { OrderSelectionLine } from "../../shared/domain/pricing.js";
import type { CatalogOffer } from "./brain/catalog-offer.js";
import { buildCatalogOffer } from "./brain/catalog-offer.js";
import type { BrainContext, ChatMessage } from "./brain/types.js";

export interface ConversationView {
  mode: ConversationMode;
  collected: Partial<CollectedFields>;
  orderDraft?: { lines: OrderSelectionLine[] } | null;
  /** Every inbound message with seq <= processedSeq was already handled. */
  processedSeq: number;
}

export interface StoredMessage {
  direction: "in" | "out";
  seq: number;
  text: string;
  status?: string;
}

/** The most one turn hands the brain: the latest new messages, within a character budget. */
export const TURN_LIMITS = { maxMessages: 20, maxChars: 8_000 } as const;

export interface TurnLimits {
  /** New messages passed to the brain in one turn (the latest ones). */
  maxMessages: number;
  /** Characters of new messages in one turn; also the most any single message keeps. */
  maxChars: number;
}

/** The first `max` characters of a text, without splitting a surrogate pair. */
function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  const code = text.charCodeAt(max - 1);
  return text.slice(0, code >= 0xd800 && code <= 0xdbff ? max - 1 : max);
}

/** The latest messages that fit the limits, oldest first; a latest message alone too long is clipped. */
export function capNewMessages(messages: readonly ChatMessage[], limits: TurnLimits): ChatMessage[] {
  const kept: ChatMessage[] = [];
  let chars = 0;
  for (let i = messages.length - 1; i >= 0 && kept.length < limits.maxMessages; i -= 1) {
    const message = messages[i] as ChatMessage;
    const room = limits.maxChars - chars;
    if (message.text.length > room) {
      if (kept.length === 0) kept.unshift({ ...message, text: clip(message.text, room) });
      break;
    }
    kept.unshift(message);
    chars += message.text.length;
  }
  return kept;
}

export interface BuiltContext {
  context: BrainContext;
  /** Highest seq among the new inbound messages: advance the watermark to it once handled. */
  watermark: number;
}

export function buildBrainContext(input: {
  conversation: ConversationView;
  /** Recent messages of the conversation, any order (at least the window plus the unprocessed ones). */
  messages: readonly StoredMessage[];
  catalog: readonly Product[] | CatalogOffer;
  historyWindow: number;
  limits?: TurnLimits;
}): BuiltContext {
  const { conversation, historyWindow } = input;
  const limits = input.limits ?? TURN_LIMITS;
  const sorted = [...input.messages].sort((a, b) => a.seq - b.seq);
  const isNew = (m: StoredMessage) => m.direction === "in" && m.seq > conversation.processedSeq;
  const toChat = (m: StoredMessage): ChatMessage => ({
    direction: m.direction,
    text: clip(m.text, limits.maxChars),
    seq: m.seq,
  });
  const allNew = sorted.filter(isNew).map(toChat);
  const newMessages = capNewMessages(allNew, limits);
  // A failed outbound message never reached the customer: it is not part of what they saw.
  const history = sorted
    .filter((m) => !isNew(m) && m.status !== "failed")
    .map(toChat)
    .slice(-historyWindow);
  const catalog = Array.isArray(input.catalog)
    ? buildCatalogOffer(input.catalog as readonly Product[])
    : (input.catalog as CatalogOffer);
  return {
    context: {
      mode: conversation.mode,
      collected: conversation.collected,
      orderDraft: conversation.orderDraft?.lines ?? null,
      catalog,
      history,
      newMessages,
    },
    // Every new message counts as handled, also those left out by the limits.
    watermark: allNew.reduce((max, m) => Math.max(max, m.seq ?? 0), conversation.processedSeq),
  };
}
