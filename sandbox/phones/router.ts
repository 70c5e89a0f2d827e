// The simulated phones' HTTP API (exact; the sandbox page, scripts and tests rely on it):
//   POST /sandbox/whatsapp/messages       {"from": "+5215550001", "text": "hola", "name"?: "Ana", "id"?: "…"}
//                                          → 202 {"messageId"} | 400 {"error"} (also for an id over
//                                          200 characters, or one another phone already used)
//   GET  /sandbox/whatsapp/chats/:phone   → 200 {"phone", "messages": [{"id", "direction", "text", "at"}]}
//                                          (":phone" as "+52…", "%2B52…" or digits; a phone that never
//                                          wrote gets 200 with no messages; not a phone number → 400)
//   GET  /sandbox/whatsapp/chats          → 200 {"chats": [{"phone", "name"?, "lastMessage"}]}, most recent first
import { Router } from "express";
import { z } from "zod";
import { isE164 } from "../../shared/domain/phone.js";
import { MAX_WA_MESSAGE_ID } from "../../shared/db/index.js";
import { jsonBody, jsonErrorHandler } from "../../shared/http/index.js";
import { RefusedCustomerMessageError, type SandboxPhones } from "./phones.js";

const E164_HINT = "an E.164 phone number like +5215550001";

/**
 * A lone UTF-16 surrogate (JSON allows "\ud800") cannot be stored as UTF-8: MongoDB would keep "�"
 * instead, and a 202 promises the message is stored as sent.
 */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = (what: string) => ({
  error: `${what} must be valid Unicode text (it has a lone surrogate)`,
});

export const customerMessageSchema = z.object(
  {
    from: z
      .string({ error: "from must be a string" })
      .refine((value) => isE164(value), { error: `from must be ${E164_HINT}` }),
    text: z
      .string({ error: "text must be a string" })
      .refine((value) => value.trim().length > 0, { error: "text must not be empty" })
      .refine((value) => value.length <= 65_536, { error: "text must be at most 65536 characters" })
      .refine((value) => !LONE_SURROGATE.test(value), wellFormed("text")),
    name: z
      .string({ error: "name must be a string" })
      .max(200, { error: "name is too long" })
      .refine((value) => !LONE_SURROGATE.test(value), wellFormed("name"))
      .optional(),
    id: z
      .string({ error: "id must be a string" })
      .min(1, { error: "id must not be empty" })
      .max(MAX_WA_MESSAGE_ID, { error: `id must be at most ${MAX_WA_MESSAGE_ID} characters` })
      .refine((value) => !LONE_SURROGATE.test(value), wellFormed("id"))
      .optional(),
  },
  { error: "body must be a JSON object" },
);

/** "+52…", "52…" (a "+" lost in a URL) → "+52…"; undefined if it is not a phone number. */
function phoneFromPath(raw: string): string | undefined {
  const candidate = raw.trim().startsWith("+") ? raw.trim() : `+${raw.trim()}`;
  return isE164(candidate) ? candidate : undefined;
}

export function createPhonesRouter(phones: SandboxPhones): Router {
  const router = Router();

  router.post("/sandbox/whatsapp/messages", ...jsonBody({ limit: "1mb" }), async (req, res) => {
    const parsed = customerMessageSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: parsed.error.issues[0]?.message ?? "invalid body" });
      return;
    }
    const { from, text, name, id } = parsed.data;
    try {
      const { messageId } = await phones.receive({
        from,
        text,
        ...(name !== undefined ? { name } : {}),
        ...(id !== undefined ? { id } : {}),
      });
      res.status(202).json({ messageId });
    } catch (error) {
      if (!(error instanceof RefusedCustomerMessageError)) throw error;
      res.status(400).json({ error: error.message });
    }
  });

  router.get("/sandbox/whatsapp/chats", (_req, res) => {
    res.json({ chats: phones.chats() });
  });

  router.get("/sandbox/whatsapp/chats/:phone", (req, res) => {
    const phone = phoneFromPath(req.params.phone);
    if (!phone) {
      res.status(400).json({ error: `phone must be ${E164_HINT}` });
      return;
    }
    const { messages } = phones.chat(phone);
    res.json({ phone, messages });
  });

  // Bad bodies and bad %-escapes answer {"error"} here too when the router is mounted on its own.
  router.use(jsonErrorHandler());

  return router;
}
