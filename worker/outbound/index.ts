// Outbound WhatsApp messages: idempotent sends, and the one function for proactive sends.
export {
  sendBatch,
  sendOnce,
  RecipientMismatchError,
  SendInFlightError,
  UnknownConversationError,
  type SendBatchOutcome,
  type SendBatchRequest,
  type SendOnceDeps,
  type SendOnceRequest,
  type SendOnceResult,
} from "./send-once.js";
export { notReadyRetryDelayMs, toStepError } from "./step-errors.js";
export {
  createProactiveSendFunction,
  PROACTIVE_SEND_FUNCTION_ID,
  sentEventId,
  type ProactiveSendDeps,
} from "./proactive-send.js";
export { SendBudget } from "./send-budget.js";
export { originForReason } from "./origin.js";
