// What a normalized customer message may hold: one schema for both transports (the normalizer and
// the sandbox phones check against it) and for the inbound pipeline, which checks the whole message
// before it writes anything. Its limits are the data layer's, so a message that passes here is one
// the database will take: nothing is half-written (a contact and a conversation without the message).
import { z } from "zod";
import { MAX_MESSAGE_TEXT, MAX_WA_MESSAGE_ID } from "../../shared/db/index.js";
import { accountIdSchema } from "../../shared/domain/account-id.js";
import { MESSAGE_KINDS } from "../../shared/domain/message-kinds.js";
import { e164Schema } from "../../shared/domain/phone.js";
import type { InboundMessage } from "./transport.js";

/** Customer text is cut at this length with a visible marker (see normalizeText). */
export const MAX_TEXT_CHARS = 4096;
/** Longest push name carried in a message (the event schema's limit). */
export const MAX_PROFILE_NAME_CHARS = 200;

export const inboundMessageSchema = z.object({
  accountId: accountIdSchema,
  messageId: z
    .string()
    .min(1, "messageId must not be empty")
    .max(MAX_WA_MESSAGE_ID, `messageId must be at most ${MAX_WA_MESSAGE_ID} characters`),
  chatId: z.string().min(1, "chatId must not be empty").max(MAX_WA_MESSAGE_ID),
  from: e164Schema,
  name: z.string().max(MAX_PROFILE_NAME_CHARS).optional(),
  text: z
    .string()
    .min(1, "text must not be empty")
    .max(MAX_MESSAGE_TEXT, `text must be at most ${MAX_MESSAGE_TEXT} characters`),
  type: z.enum(MESSAGE_KINDS),
  truncated: z.boolean(),
  // A date the database and the event can hold (epoch ms, after 1970 and before the year 10000).
  timestamp: z.number().int().min(0).max(253_402_300_799_999),
  isGroup: z.boolean(),
}) satisfies z.ZodType<InboundMessage>;

/** Why a message cannot be taken, one line per problem; never echoes the values (customer data). */
export function inboundMessageProblems(message: unknown): string[] {
  const result = inboundMessageSchema.safeParse(message);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.length ? i.path.join(".") : "(message)"}: ${i.message}`);
}
