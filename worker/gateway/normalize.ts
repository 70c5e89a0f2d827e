// Pure rules that turn a raw WhatsApp message into the gateway's InboundMessage, or say why it is
// ignored. No I/O: the adapter resolves @lid senders beforehand and passes a lookup.
import { jidToE164 } from "../../shared/domain/phone.js";
import { inboundMessageProblems, MAX_PROFILE_NAME_CHARS, MAX_TEXT_CHARS } from "./inbound-message.js";
import type { E164, InboundMessage, InboundMessageType } from "./transport.js";

export { MAX_TEXT_CHARS };
/** Appended to a cut message so the reader (and the agent) can see it was cut. */
export const TRUNCATION_MARKER = " […truncated]";

/** The fields of a whatsapp-web.js Message the gateway uses (the adapter copies them out). */
export interface RawWaMessage {
  /** `msg.id._serialized` */
  id: string;
  /** Chat id: `<digits>@c.us`, `<id>@lid`, `<id>@g.us`, `status@broadcast`, `<id>@newsletter`. */
  from: string;
  /** Sender inside a group chat. */
  author?: string;
  fromMe: boolean;
  isStatus?: boolean;
  /** whatsapp-web.js MessageTypes value: chat, image, ptt, audio, video, document, sticker, location, … */
  type: string;
  /** Text, or the media caption; "" when there is none. */
  body: string;
  /** Unix seconds, as whatsapp-web.js gives it. */
  timestamp: number;
  /** The sender's push name. */
  notifyName?: string;
  location?: { latitude: number; longitude: number; name?: string };
}

export interface InboundRules {
  accountId: string;
  /** Group chats are ignored unless this is true. */
  allowGroups: boolean;
  /** When the gateway started (epoch ms); older messages are replays, not new customer messages. */
  gatewayStartedAtMs: number;
  /** Messages up to this much older than the gateway start are still accepted. */
  graceMs: number;
  maxTextChars?: number;
}

/** Phone number for an `@lid` sender, from a lookup the adapter filled beforehand. */
export type PhoneForLid = (lid: string) => E164 | undefined;

export type IgnoreReason =
  | "own"
  | "status"
  | "broadcast"
  | "newsletter"
  | "group"
  | "system"
  | "stale"
  | "empty"
  | "unresolved-sender"
  /** Outside what the pipeline can store (e.g. an over-long message id); `problems` says what. */
  | "invalid";

export type InboundDecision =
  | { accept: true; message: InboundMessage }
  | { accept: false; reason: Exclude<IgnoreReason, "invalid"> }
  | { accept: false; reason: "invalid"; problems: string[] };

// Notifications and protocol messages that are not something a customer wrote.
const SYSTEM_TYPES = new Set([
  "e2e_notification",
  "notification",
  "notification_template",
  "gp2",
  "group_notification",
  "broadcast_notification",
  "call_log",
  "protocol",
  "revoked",
  "ciphertext",
  "debug",
  "reaction",
]);

const TYPE_BY_WA_TYPE: Record<string, InboundMessageType> = {
  chat: "text",
  image: "image",
  album: "image",
  audio: "audio",
  ptt: "audio",
  video: "video",
  document: "document",
  sticker: "sticker",
  location: "location",
};

const OTHER_LABELS: Record<string, string> = {
  vcard: "contact",
  multi_vcard: "contacts",
  poll_creation: "poll",
  scheduled_event_creation: "event",
  groups_v4_invite: "group invite",
};

export function inboundTypeOf(waType: string): InboundMessageType {
  return TYPE_BY_WA_TYPE[waType] ?? "other";
}

/** Trims and cuts text longer than maxChars, ending it with a visible marker (total ≤ maxChars). */
export function normalizeText(raw: string, maxChars = MAX_TEXT_CHARS): { text: string; truncated: boolean } {
  const text = raw.trim();
  if (text.length <= maxChars) return { text, truncated: false };
  let end = Math.max(0, maxChars - TRUNCATION_MARKER.length);
  // Do not split a surrogate pair (an emoji would become a broken character).
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return { text: text.slice(0, end).trimEnd() + TRUNCATION_MARKER, truncated: true };
}

/** "[image]" or "[image] caption"; text messages are their own text. */
export function describeContent(raw: Pick<RawWaMessage, "type" | "body" | "location">): string {
  const type = inboundTypeOf(raw.type);
  const caption = raw.body.trim();
  if (type === "text") return caption;
  if (type === "location" && raw.location) {
    const { latitude, longitude, name } = raw.location;
    return [`[location] ${latitude},${longitude}`, name?.trim()].filter(Boolean).join(" ");
  }
  const label = type === "other" ? (OTHER_LABELS[raw.type] ?? raw.type) : type;
  return caption ? `[${label}] ${caption}` : `[${label}]`;
}

function senderPhone(jid: string, phoneForLid: PhoneForLid): E164 | undefined {
  if (jid.endsWith("@lid")) return phoneForLid(jid);
  return jidToE164(jid) ?? undefined;
}

/** Applies the filter rules and normalizes what is left. */
export function normalizeInbound(
  raw: RawWaMessage,
  rules: InboundRules,
  phoneForLid: PhoneForLid = () => undefined,
): InboundDecision {
  if (raw.fromMe) return { accept: false, reason: "own" };
  if (raw.isStatus || raw.from === "status@broadcast") return { accept: false, reason: "status" };
  if (raw.from.endsWith("@newsletter")) return { accept: false, reason: "newsletter" };
  if (raw.from.endsWith("@broadcast")) return { accept: false, reason: "broadcast" };
  const isGroup = raw.from.endsWith("@g.us");
  if (isGroup && !rules.allowGroups) return { accept: false, reason: "group" };
  if (SYSTEM_TYPES.has(raw.type)) return { accept: false, reason: "system" };

  const timestamp = raw.timestamp * 1000;
  if (timestamp < rules.gatewayStartedAtMs - rules.graceMs) return { accept: false, reason: "stale" };

  const from = senderPhone(isGroup ? (raw.author ?? "") : raw.from, phoneForLid);
  if (!from) return { accept: false, reason: "unresolved-sender" };

  const { text, truncated } = normalizeText(describeContent(raw), rules.maxTextChars);
  if (!text) return { accept: false, reason: "empty" };

  const name = raw.notifyName?.trim().slice(0, MAX_PROFILE_NAME_CHARS).trimEnd();
  const message: InboundMessage = {
    accountId: rules.accountId,
    messageId: raw.id,
    chatId: raw.from,
    from,
    ...(name ? { name } : {}),
    text,
    type: inboundTypeOf(raw.type),
    truncated,
    timestamp,
    isGroup,
  };
  const problems = inboundMessageProblems(message);
  if (problems.length > 0) return { accept: false, reason: "invalid", problems };
  return { accept: true, message };
}
