// The WhatsApp account (one worker process per account) scopes contacts, conversations and messages.
import { z } from "zod";

export const accountIdSchema = z
  .string()
  // Same rule as the event catalogue's accountIdSchema (shared/events.ts), which the data layer does not import.
  .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "account id: lower-case letters, digits or '-' (max 32)");
