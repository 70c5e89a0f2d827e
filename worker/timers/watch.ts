// What the timers read from MongoDB before waiting and after every wait (the source of truth:
// `waitForEvent` can miss a message written just before the wait began).
import type { Config } from "../../shared/config/index.js";
import type { InngestClient } from "../../shared/inngest.js";
import type { ConversationDoc, DbHandle } from "../../shared/db/index.js";
import { isDataComplete } from "../../shared/domain/conversation.js";
import { detectLanguage, type Language } from "../texts/index.js";
import type { BusinessSchedule } from "../../shared/domain/business-hours.js";
import type { WatchedConversation } from "./silence.js";

export type TimerDb = Pick<DbHandle, "conversations" | "messages" | "orders" | "catalog" | "db">;

export interface TimerDeps {
  config: Config;
  inngest: InngestClient;
  db: TimerDb;
}

export function scheduleOf(config: Pick<Config, "business">): BusinessSchedule {
  return { timezone: config.business.timezone, hours: config.business.hours, days: config.business.days };
}

export function watched(
  conversation: ConversationDoc | null,
  done: (c: ConversationDoc) => boolean = () => false,
): WatchedConversation | null {
  if (!conversation) return null;
  return {
    mode: conversation.mode,
    episode: conversation.episode,
    ...(conversation.lastInboundAt ? { lastInboundAtMs: conversation.lastInboundAt.getTime() } : {}),
    done: done(conversation),
  };
}

/** Data collection is done once every field is stored. */
export const dataComplete = (c: ConversationDoc) => isDataComplete(c.collected);

/** The customer's language, from what they wrote recently. */
export async function customerLanguage(db: TimerDb, conversationId: string): Promise<Language> {
  const recent = await db.messages.listRecent(conversationId, 20);
  return detectLanguage(recent.filter((m) => m.direction === "in").map((m) => m.text));
}
