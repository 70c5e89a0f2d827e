// Local E.164 <-> WhatsApp id helpers. Stand-in until shared/domain/phone.ts lands; then these
// should delegate to it.
import type { E164 } from "./transport.js";

const E164_PATTERN = /^\+[1-9]\d{6,14}$/;
const USER_JID_PATTERN = /^([1-9]\d{6,14})@(c\.us|s\.whatsapp\.net)$/;

export function isE164(value: string): value is E164 {
  return E164_PATTERN.test(value);
}

/** `5215550001@c.us` → `+5215550001`; undefined for anything that is not a phone-number chat id. */
export function jidToE164(jid: string): E164 | undefined {
  const match = USER_JID_PATTERN.exec(jid);
  return match ? `+${match[1]}` : undefined;
}

/** `+5215550001` → `5215550001@c.us`; throws for anything that is not E.164. */
export function e164ToJid(phone: E164): string {
  if (!isE164(phone)) throw new RangeError("not an E.164 phone number");
  return `${phone.slice(1)}@c.us`;
}

/** Phone numbers in logs: keep the country prefix and the last two digits only. */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return "***";
  return `${phone.slice(0, 3)}***${phone.slice(-2)}`;
}
