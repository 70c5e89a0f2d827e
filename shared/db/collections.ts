// Names of the collections, in one place, and the shape every collection module exports.
import type { IndexDescription } from "mongodb";

export const COLLECTIONS = {
  contacts: "contacts",
  conversations: "conversations",
  messages: "messages",
  orders: "orders",
  catalog: "catalog",
  automations: "automations",
  automationExecutions: "automation_executions",
  auditLog: "audit_log",
  dedupeKeys: "dedupe_keys",
  handoffThreads: "handoff_threads",
  opsAlerts: "ops_alerts",
  usageDaily: "usage_daily",
  whatsappSessions: "whatsapp_sessions",
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** Every index has an explicit name, so creating it again at startup is a no-op, not a conflict. */
export interface CollectionIndexes {
  collection: CollectionName;
  indexes: (IndexDescription & { name: string })[];
}
