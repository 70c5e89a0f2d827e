// Opt-out / opt-in after a keyword message: one atomic state change on the conversation, ONE
// confirmation (its dedupe key is the opt-out episode, so a repeated STOP or a redelivered message
// does not confirm twice), an audit entry, the whatsapp/contact.opted-out|opted-in event (same
// episode-derived id), and the agent's watermark moved past the keyword so it never answers it.
// Opting back in is also a mode change (opted_out → the mode before): it is announced as
// agent/mode.changed, so the timer of that mode (the data-collection nudges) starts again.
// Every step is idempotent: after a crash or a failed event send the inbound relay runs it again.
import type { ContactDoc, ConversationDoc, DbHandle, MessageDoc } from "../../shared/db/index.js";
import { agentModeChanged, whatsappContactOptedIn, whatsappContactOptedOut } from "../../shared/events.js";
import { modeChangedEventId } from "../keys.js";
import { silentLogger, type WorkerLogger } from "../logger.js";
import type { OptIntent, OptKeywords } from "./keywords.js";
import type { EventPublisher } from "../gateway/event-publisher.js";
import type { Transport } from "../gateway/transport.js";
import { sendOnce } from "../outbound/send-once.js";
import { optInConfirmation, optOutConfirmation } from "./confirmations.js";

export interface OptKeywordDeps {
  db: Pick<DbHandle, "conversations" | "messages" | "audit">;
  transport: Pick<Transport, "send" | "status" | "findSent">;
  events: EventPublisher;
  keywords: OptKeywords;
  logger?: WorkerLogger;
}

export interface OptKeywordInput {
  intent: OptIntent;
  contact: Pick<ContactDoc, "_id">;
  conversation: ConversationDoc;
  /** The stored keyword message. */
  message: MessageDoc;
}

export type OptKeywordOutcome = "opted-out" | "opted-in" | "not-opted-out";

/** Dedupe key / event id of one opt change: the conversation's episode after the change. */
export function optChangeKey(
  intent: OptIntent,
  conversation: Pick<ConversationDoc, "_id" | "episode">,
): string {
  return `${intent}:${conversation._id}:${conversation.episode}`;
}

export async function applyOptKeyword(
  deps: OptKeywordDeps,
  input: OptKeywordInput,
): Promise<OptKeywordOutcome> {
  const { db } = deps;
  const logger = deps.logger ?? silentLogger;
  const { intent, contact, message } = input;

  // START from a contact who never opted out is an ordinary message (the agent answers it).
  if (intent === "opt-in" && !input.conversation.optedOut) return "not-opted-out";

  const change =
    intent === "opt-out"
      ? await db.conversations.optOut(input.conversation._id)
      : await db.conversations.optIn(input.conversation._id);
  const conversation = change.conversation;
  if (!conversation) throw new Error(`conversation ${input.conversation._id} vanished`);
  const key = optChangeKey(intent, conversation);
  const keyword = message.text.trim().toUpperCase().slice(0, 64);

  if (change.changed) {
    await db.audit.record({
      actor: { kind: "customer", id: contact._id },
      action: intent === "opt-out" ? "conversation.opted_out" : "conversation.opted_in",
      subject: { type: "conversation", id: conversation._id },
      accountId: conversation.accountId,
      details: { keyword, messageId: message._id },
    });
    logger.info(
      { accountId: conversation.accountId, conversationId: conversation._id, intent },
      "opt change",
    );
  }

  await sendOnce(
    { db, transport: deps.transport, logger },
    {
      accountId: conversation.accountId,
      conversationId: conversation._id,
      contactId: contact._id,
      to: conversation.phone,
      text: intent === "opt-out" ? optOutConfirmation(deps.keywords) : optInConfirmation(deps.keywords),
      dedupeKey: key,
      origin: "system",
      evenIfOptedOut: true,
    },
  );

  const data = {
    accountId: conversation.accountId,
    conversationId: conversation._id,
    contactId: contact._id,
    phone: conversation.phone,
    keyword,
    at: (conversation.optedOutAt ?? conversation.modeChangedAt).toISOString(),
  };
  await deps.events.send(
    intent === "opt-out"
      ? whatsappContactOptedOut.create(data, { id: key })
      : whatsappContactOptedIn.create(data, { id: key }),
  );
  if (intent === "opt-in" && !conversation.optedOut) {
    // Same id as any other announcement of this episode's mode change: a rerun (relay) adds nothing.
    await deps.events.send(
      agentModeChanged.create(
        {
          accountId: conversation.accountId,
          conversationId: conversation._id,
          contactId: contact._id,
          from: "opted_out",
          to: conversation.mode,
          at: conversation.modeChangedAt.toISOString(),
        },
        { id: modeChangedEventId(conversation._id, conversation.episode) },
      ),
    );
  }

  // The keyword (and, for START, whatever was written while opted out) is not for the agent.
  await db.conversations.advanceWatermark(conversation._id, message.seq);
  return intent === "opt-out" ? "opted-out" : "opted-in";
}
