// Phone numbers: E.164 is the one form the product stores and compares ("+5215550001").
// WhatsApp Web addresses people by jid ("5215550001@c.us"); these pure functions convert between them.
import { z } from "zod";

/** E.164: "+", a country code that does not start with 0, at most 15 digits in all (8 at least, in practice). */
const E164 = /^\+[1-9]\d{7,14}$/;

export function isE164(value: string): boolean {
  return E164.test(value);
}

/** zod schema for an E.164 phone number (events, collections, HTTP bodies). */
export const e164Schema = z.string().regex(E164, "must be an E.164 phone number like +5215550001");

/**
 * Normalizes what a person or a system wrote into E.164, or null when it cannot be a phone number.
 * - "+52 1 (555) 000-1", "+52.155.5000.1" → digits after "+" are kept as written.
 * - "0052 1555 0001" (international "00" prefix) → "+521555 0001" without spaces.
 * - Without "+"/"00": numbers of 11+ digits are taken to include their country code; shorter ones, and
 *   ones starting with a national trunk "0" (dropped), get `defaultCountryCode` (e.g. "52"). Without a
 *   default, null.
 * Letters, or anything but digits, spaces, dots, dashes, slashes and parentheses, make it null.
 */
export function toE164(raw: string, defaultCountryCode?: string): string | null {
  const trimmed = raw.trim();
  if (!/^\+?[\d\s().\-/]+$/.test(trimmed)) return null;
  const digits = trimmed.replace(/\D/g, "");
  let candidate: string;
  if (trimmed.startsWith("+")) candidate = `+${digits}`;
  else if (digits.startsWith("00")) candidate = `+${digits.slice(2)}`;
  else if (digits.length >= 11 && !digits.startsWith("0")) candidate = `+${digits}`;
  else if (defaultCountryCode !== undefined && /^[1-9]\d{0,2}$/.test(defaultCountryCode))
    candidate = `+${defaultCountryCode}${digits.replace(/^0+/, "")}`;
  else return null;
  return isE164(candidate) ? candidate : null;
}

/** The WhatsApp Web suffixes that carry a phone number ("@c.us" in whatsapp-web.js, "@s.whatsapp.net" in the protocol). */
const PHONE_JID = /^(\d{8,15})(?::\d+)?@(c\.us|s\.whatsapp\.net)$/;

/**
 * "5215550001@c.us" → "+5215550001". Returns null for jids that are not a person's phone:
 * groups ("@g.us"), status broadcasts, and "@lid" ids (privacy ids that must be mapped to a phone by
 * asking WhatsApp, which the gateway does).
 */
export function jidToE164(jid: string): string | null {
  const m = PHONE_JID.exec(jid.trim());
  if (!m) return null;
  const e164 = `+${m[1]}`;
  return isE164(e164) ? e164 : null;
}

/** "+5215550001" → "5215550001@c.us" (the chat id whatsapp-web.js sends to). Throws on a non-E.164 input. */
export function e164ToJid(e164: string): string {
  if (!isE164(e164)) throw new RangeError("not an E.164 phone number");
  return `${e164.slice(1)}@c.us`;
}

export type JidKind = "user" | "lid" | "group" | "broadcast" | "unknown";

/** What a WhatsApp jid addresses: a person by phone, a person by privacy id, a group, or a broadcast/status. */
export function jidKind(jid: string): JidKind {
  const j = jid.trim();
  if (PHONE_JID.test(j)) return "user";
  if (/@lid$/.test(j)) return "lid";
  if (/@g\.us$/.test(j)) return "group";
  if (j === "status@broadcast" || /@broadcast$/.test(j)) return "broadcast";
  return "unknown";
}
