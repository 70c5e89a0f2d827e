// The data layer's public surface.
export { connectDb } from "./connect.js";
export type { ConnectDbOptions, DbHandle } from "./connect.js";
export { createRepositories } from "./repositories.js";
export type { Repositories, RepositoryOptions } from "./repositories.js";
export { ensureIndexes, ALL_INDEXES } from "./indexes.js";
export { COLLECTIONS } from "./collections.js";
export { InvalidInputError, isDuplicateKeyError } from "./errors.js";
export { retryWhileUnreachable } from "./unreachable.js";
export type * from "./contacts.js";
export type * from "./conversations.js";
export type * from "./messages.js";
export type * from "./orders.js";
export type * from "./catalog.js";
export type * from "./automations.js";
export type * from "./automation-executions.js";
export type * from "./audit-log.js";
export type * from "./dedupe-keys.js";
export type * from "./handoff-threads.js";
export type * from "./ops-alerts.js";
export { handoffThreadId } from "./handoff-threads.js";
export { opsAlertId } from "./ops-alerts.js";
export { MAX_MESSAGE_TEXT, MAX_WA_MESSAGE_ID } from "./messages.js";
export { defaultCatalogSeed } from "./catalog.js";
export { defaultAutomationSeed } from "./automations.js";
export {
  describeRecentRuns,
  dryRunAutomation,
  formatDryRun,
  formatRecentRuns,
} from "./automation-inspect.js";
export type { DryRun, DryRunAction, RecentRuns, RunSummary } from "./automation-inspect.js";
