// Builds the brain's view of a conversation from what MongoDB holds: the processed history (window
// from config) and every inbound message after the watermark (a debounced burst is several).
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
}): BuiltContext {
  const { conversation, historyWindow } = input;
  const sorted = [...input.messages].sort((a, b) => a.seq - b.seq);
  const isNew = (m: StoredMessage) => m.direction === "in" && m.seq > conversation.processedSeq;
  const toChat = (m: StoredMessage): ChatMessage => ({ direction: m.direction, text: m.text, seq: m.seq });
  const newMessages = sorted.filter(isNew).map(toChat);
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
    watermark: newMessages.reduce((max, m) => Math.max(max, m.seq ?? 0), conversation.processedSeq),
  };
}
