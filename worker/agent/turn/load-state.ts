// The agent's first step: what MongoDB says about the conversation right now. The debounced event
// is only the last message of a burst, so the turn is built from every inbound message above the
// watermark, whatever event started the run. JSON-safe: it is a step's memoized output.
import { clock } from "../../../shared/clock.js";
import type { Config } from "../../../shared/config/index.js";
import type { DbHandle } from "../../../shared/db/index.js";
import { isBotSilent } from "../../../shared/domain/conversation.js";
import type { ConversationMode } from "../../../shared/domain/conversation.js";
import { localDay } from "../../../shared/domain/business-hours.js";
import { buildBrainContext } from "../brain-context.js";
import type { BrainContext } from "../brain/types.js";
import { isDailyCostCapReached } from "../cost-cap.js";

export interface TurnConversation {
  id: string;
  accountId: string;
  contactId: string;
  /** Where replies go (E.164). */
  phone: string;
  mode: ConversationMode;
  episode: number;
}

export type TurnState =
  | { status: "not-found" }
  /** The conversation belongs to another WhatsApp account: never this worker's to answer. */
  | { status: "other-account" }
  /** Every inbound message was handled already (a duplicate delivery, or an earlier run took it). */
  | { status: "nothing-new" }
  /** handoff / opted_out: the bot stays silent; the messages only move the watermark. */
  | { status: "silent"; mode: ConversationMode; watermark: number }
  | {
      status: "ready";
      conversation: TurnConversation;
      context: BrainContext;
      /** Highest seq among the new messages: where the watermark goes once the turn is handled. */
      watermark: number;
      /** Today's model spend reached the cap: hand off instead of calling the model. */
      costCapReached: boolean;
    };

export type TurnStateDeps = {
  db: Pick<DbHandle, "conversations" | "messages" | "catalog">;
  config: Pick<Config, "agent" | "business" | "whatsapp">;
};

export async function loadTurnState(deps: TurnStateDeps, conversationId: string): Promise<TurnState> {
  const { db, config } = deps;
  const conversation = await db.conversations.getById(conversationId);
  if (!conversation) return { status: "not-found" };
  // Defence in depth behind the trigger's account filter: never answer another account's customer.
  if (conversation.accountId !== config.whatsapp.accountId) return { status: "other-account" };
  const window = Math.min(500, config.agent.historyWindow);
  const { unprocessed, recent } = await db.messages.listTurnMessages(
    conversationId,
    conversation.processedSeq,
    window,
  );
  if (unprocessed.length === 0) return { status: "nothing-new" };
  const lastSeq = Math.max(...unprocessed.map((m) => m.seq));
  if (isBotSilent(conversation.mode))
    return { status: "silent", mode: conversation.mode, watermark: lastSeq };

  const byId = new Map([...recent, ...unprocessed].map((m) => [m._id, m]));
  const { context, watermark } = buildBrainContext({
    conversation: {
      mode: conversation.mode,
      collected: conversation.collected,
      orderDraft: conversation.orderDraft ?? null,
      processedSeq: conversation.processedSeq,
    },
    messages: [...byId.values()].map((m) => ({
      direction: m.direction,
      seq: m.seq,
      text: m.text,
      status: m.status,
    })),
    catalog: await db.catalog.listActive(),
    historyWindow: config.agent.historyWindow,
  });
  if (!context.collected.phone) {
    context.collected = { ...context.collected, phone: conversation.phone };
    context.defaultedPhone = conversation.phone;
  }
  const today = localDay(clock.now(), config.business.timezone);
  return {
    status: "ready",
    conversation: {
      id: conversation._id,
      accountId: conversation.accountId,
      contactId: conversation.contactId,
      phone: conversation.phone,
      mode: conversation.mode,
      episode: conversation.episode,
    },
    context,
    watermark,
    costCapReached: isDailyCostCapReached(conversation.usage, config.agent.dailyCostCapUsd, today),
  };
}
