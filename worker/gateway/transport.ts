// The transport port: what the rest of the worker knows about WhatsApp. Two adapters implement it:
// whatsapp-web.js (worker/gateway/wwebjs) and the simulated phones (sandbox/phones).
import type { MessageKind } from "../../shared/domain/message-kinds.js";

/** A phone number in E.164 form, e.g. "+5215550001". */
export type E164 = string;

export type TransportState = "starting" | "qr" | "ready" | "disconnected" | "failed";

export interface TransportStatus {
  state: TransportState;
  /** Why the transport is in this state (e.g. "disconnected: CONFLICT", "stopped"). Never contains PII. */
  reason?: string;
  /** The pairing QR string, only while state is "qr". */
  qr?: string;
  /** ISO-8601 time at which this state was entered. */
  since: string;
}

export type InboundMessageType = MessageKind;

/** A customer message, normalized and already filtered (own, status, groups, stale messages are gone). */
export interface InboundMessage {
  /** The WhatsApp account (worker) that received it. */
  accountId: string;
  /** WhatsApp's message id (unique per account); the dedupe key of the inbound pipeline. */
  messageId: string;
  /** Chat id the message came from, as WhatsApp names it (`<digits>@c.us`, `<id>@lid`, `<id>@g.us`). */
  chatId: string;
  /** The sender's phone number. */
  from: E164;
  /** The sender's WhatsApp push name, when known. */
  name?: string;
  /** Trimmed text (at most 4,096 characters, cut with a marker); media become "[image] caption". */
  text: string;
  type: InboundMessageType;
  /** True when the original text was longer than the limit and was cut. */
  truncated: boolean;
  /** When the customer sent it, epoch milliseconds. */
  timestamp: number;
  isGroup: boolean;
}

export interface SendResult {
  /** WhatsApp's id of the sent message. */
  messageId: string;
}

export type Unsubscribe = () => void;

export type StatusListener = (status: TransportStatus) => void;
export type InboundHandler = (message: InboundMessage) => void | Promise<void>;

export interface Transport {
  readonly accountId: string;
  /** Begins connecting; resolves once the first attempt is under way (watch status() for "ready"). */
  start(): Promise<void>;
  /** Disconnects cleanly (never logs the WhatsApp session out). Idempotent. */
  stop(): Promise<void>;
  status(): TransportStatus;
  onStatusChange(listener: StatusListener): Unsubscribe;
  onMessage(handler: InboundHandler): Unsubscribe;
  /**
   * Sends a text now. Not idempotent by itself: the outbox above it records `dedupeKey` first.
   * Throws TransportNotReadyError unless status is "ready", InvalidRecipientError for a bad number.
   */
  send(to: E164, text: string, dedupeKey: string): Promise<SendResult>;
  /**
   * The message already in the chat with `to` that a send of `text` under `dedupeKey`, attempted
   * at `sinceMs`, delivered; undefined when there is none. This settles an attempt cut off between
   * the send and its record (the process killed) without sending it twice. Left out by a
   * transport that cannot look.
   */
  findSent?(to: E164, attempt: SendAttempt): Promise<SendResult | undefined>;
}

/** One attempt to send a message, as findSent looks for it. */
export interface SendAttempt {
  text: string;
  dedupeKey: string;
  /** When the attempt began (epoch milliseconds, the product clock). */
  sinceMs: number;
}

/** Sending was attempted while the transport is not "ready"; retry later. */
export class TransportNotReadyError extends Error {
  override readonly name = "TransportNotReadyError";
  constructor(readonly state: TransportState) {
    super(`WhatsApp transport is not ready (state: ${state})`);
  }
}

/** The recipient or the text can never be sent (retrying will not help). */
export class InvalidRecipientError extends Error {
  override readonly name = "InvalidRecipientError";
}
