// Every index the product relies on, created at startup. createIndexes with the same name and spec
// is a no-op on MongoDB, so starting twice (or two processes at once) is safe. A changed spec under
// an existing name fails loudly (IndexOptionsConflict) instead of silently running without it.
import type { Db } from "mongodb";
import { auditIndexes } from "./audit-log.js";
import { executionIndexes } from "./automation-executions.js";
import { automationIndexes } from "./automations.js";
import { catalogIndexes } from "./catalog.js";
import type { CollectionIndexes } from "./collections.js";
import { contactIndexes } from "./contacts.js";
import { conversationIndexes } from "./conversations.js";
import { dedupeIndexes } from "./dedupe-keys.js";
import { handoffThreadIndexes } from "./handoff-threads.js";
import { messageIndexes } from "./messages.js";
import { opsAlertIndexes } from "./ops-alerts.js";
import { orderIndexes } from "./orders.js";

/**
 * Unique: contacts (account, phone), conversations (account, contact), messages inbound (account,
 * WhatsApp id) and outbound (account, dedupe key), one open order per conversation, automation name,
 * execution (automation, trigger event id).
 * TTL: automation_executions.expireAt (retention, default 90 days) and dedupe_keys.expireAt.
 * Chat messages, orders and the audit log are kept (no TTL).
 */
export const ALL_INDEXES: readonly CollectionIndexes[] = [
  contactIndexes,
  conversationIndexes,
  messageIndexes,
  orderIndexes,
  catalogIndexes,
  automationIndexes,
  executionIndexes,
  auditIndexes,
  dedupeIndexes,
  handoffThreadIndexes,
  opsAlertIndexes,
];

export async function ensureIndexes(db: Db): Promise<void> {
  for (const { collection, indexes } of ALL_INDEXES) {
    try {
      await db.collection(collection).createIndexes(indexes);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`ensureIndexes: ${collection}: ${message}`, { cause: error });
    }
  }
}
