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
