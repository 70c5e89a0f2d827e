export {
  RefusedCustomerMessageError,
  SandboxPhones,
  type Chat,
  type ChatMessage,
  type ChatSummary,
  type CustomerMessageInput,
  type SandboxPhonesOptions,
  type SentMessage,
} from "./phones.js";
export { createPhonesRouter, customerMessageSchema } from "./router.js";
export {
  mongoPhoneChatStore,
  PHONE_MESSAGES_COLLECTION,
  type PhoneChatStore,
  type StoredPhoneMessage,
} from "./chat-store.js";
