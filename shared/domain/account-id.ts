// WhatsApp account ids: one worker process per account, and the id goes into Inngest app ids, event
// ids, message ids and trigger conditions (CEL). Short and URL-safe, so it is safe in all of them.
import { z } from "zod";

const ACCOUNT_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

export function isAccountId(value: string): boolean {
  return ACCOUNT_ID.test(value);
}

/** zod schema for an account id (config WHATSAPP_ACCOUNT_ID, events, collections). */
export const accountIdSchema = z
  .string()
  .regex(ACCOUNT_ID, "must be 1-32 lowercase letters, digits or dashes");
