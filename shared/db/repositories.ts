// The repositories over one database, wired together (orders price from the catalog, messages take
// their sequence numbers from conversations).
import type { Db } from "mongodb";
import type { AuditRepo } from "./audit-log.js";
import { auditRepo } from "./audit-log.js";
import type { AutomationExecutionsRepo } from "./automation-executions.js";
import { automationExecutionsRepo } from "./automation-executions.js";
import type { AutomationsRepo } from "./automations.js";
import { automationsRepo } from "./automations.js";
import type { CatalogRepo } from "./catalog.js";
import { catalogRepo } from "./catalog.js";
import type { ContactsRepo } from "./contacts.js";
import { contactsRepo } from "./contacts.js";
import type { ConversationsRepo } from "./conversations.js";
import { conversationsRepo } from "./conversations.js";
import type { DedupeRepo } from "./dedupe-keys.js";
import { dedupeRepo } from "./dedupe-keys.js";
import type { HandoffThreadsRepo } from "./handoff-threads.js";
import { handoffThreadsRepo } from "./handoff-threads.js";
import type { OpsAlertsRepo } from "./ops-alerts.js";
import { opsAlertsRepo } from "./ops-alerts.js";
import type { MessagesRepo } from "./messages.js";
import { messagesRepo } from "./messages.js";
import type { OrdersRepo } from "./orders.js";
import { ordersRepo } from "./orders.js";

export interface Repositories {
  contacts: ContactsRepo;
  conversations: ConversationsRepo;
  messages: MessagesRepo;
  orders: OrdersRepo;
  catalog: CatalogRepo;
  automations: AutomationsRepo;
  automationExecutions: AutomationExecutionsRepo;
  audit: AuditRepo;
  dedupe: DedupeRepo;
  handoffThreads: HandoffThreadsRepo;
  opsAlerts: OpsAlertsRepo;
}

export interface RepositoryOptions {
  /** How long automation run history is kept (TTL), default 90 days. */
  executionRetentionDays?: number;
}

export function createRepositories(db: Db, options: RepositoryOptions = {}): Repositories {
  const conversations = conversationsRepo(db);
  const catalog = catalogRepo(db);
  return {
    contacts: contactsRepo(db),
    conversations,
    messages: messagesRepo(db, conversations),
    orders: ordersRepo(db, { conversations, catalog }),
    catalog,
    automations: automationsRepo(db),
    automationExecutions: automationExecutionsRepo(
      db,
      options.executionRetentionDays === undefined ? {} : { retentionDays: options.executionRetentionDays },
    ),
    audit: auditRepo(db),
    dedupe: dedupeRepo(db),
    handoffThreads: handoffThreadsRepo(db),
    opsAlerts: opsAlertsRepo(db),
  };
}
