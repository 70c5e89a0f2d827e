// Simulated WhatsApp for `npm start` and tests: customers "write" through the HTTP API (router.ts),
// their messages reach the gateway's handlers exactly as the real transport delivers them, and what
// the gateway sends lands in the customer's chat. One instance per WhatsApp account; chats are kept
// in memory, and also in a PhoneChatStore when given one (npm start keeps them in its MongoDB).
import { randomBytes } from "node:crypto";
import { clock } from "../../shared/clock.js";
import type { PhoneChatStore } from "./chat-store.js";
import { Listeners } from "../../worker/gateway/listeners.js";
import { describeError, silentLogger, type WorkerLogger } from "../../worker/logger.js";
import { inboundMessageProblems } from "../../worker/gateway/inbound-message.js";
import { normalizeText } from "../../worker/gateway/normalize.js";
import { e164ToJid, isE164 } from "../../shared/domain/phone.js";
import {
  InvalidRecipientError,
  TransportNotReadyError,
  type E164,
  type InboundHandler,
  type InboundMessage,
  type SendAttempt,
  type SendResult,
  type StatusListener,
  type Transport,
  type TransportState,
  type TransportStatus,
  type Unsubscribe,
} from "../../worker/gateway/transport.js";

export interface ChatMessage {
  id: string;
  direction: "in" | "out";
  text: string;
  /** ISO-8601 */
  at: string;
}

/** An outbound message as the sandbox recorded it (the HTTP API shows only the ChatMessage fields). */
export interface SentMessage extends ChatMessage {
  direction: "out";
  dedupeKey: string;
}

export interface Chat {
  phone: E164;
  name?: string;
  messages: ChatMessage[];
}

export interface ChatSummary {
  phone: E164;
  name?: string;
  lastMessage: ChatMessage;
}

export interface CustomerMessageInput {
  from: E164;
  text: string;
  name?: string;
  /** WhatsApp message id; give the same id twice to simulate WhatsApp delivering a message twice. */
  id?: string;
}

export interface SandboxPhonesOptions {
  /** The WhatsApp account these phones talk to. Default "default". */
  accountId?: string;
  /** Defaults to the product clock (shared/clock.ts), so the sandbox engine's time applies. */
  now?: () => number;
  logger?: WorkerLogger;
  /** Keeps chats across restarts; call restore() before start(). Default: memory only. */
  store?: PhoneChatStore;
}

interface StoredChat {
  phone: E164;
  name?: string;
  messages: (ChatMessage & { seq: number; dedupeKey?: string })[];
}

interface OutboundWaiter {
  phone: E164;
  predicate: (message: SentMessage) => boolean;
  resolve: (message: SentMessage) => void;
}

/** A customer message WhatsApp could never deliver (the phones API answers 400 with its message). */
export class RefusedCustomerMessageError extends Error {
  override readonly name = "RefusedCustomerMessageError";
}

function waMessageId(fromMe: boolean, phone: E164): string {
  return `${fromMe}_${e164ToJid(phone)}_3EB0${randomBytes(8).toString("hex").toUpperCase()}`;
}

export class SandboxPhones implements Transport {
  readonly accountId: string;
  private readonly now: () => number;
  private readonly logger: WorkerLogger;
  private readonly statusListeners = new Listeners<TransportStatus>();
  private readonly inboundHandlers = new Listeners<InboundMessage>();
  private current: TransportStatus;
  private readonly chatsByPhone = new Map<E164, StoredChat>();
  /** Inbound message id → the phone that wrote it (WhatsApp ids name their chat: one phone per id). */
  private readonly knownInboundIds = new Map<string, E164>();
  /** Customer messages written while the gateway was not connected; delivered on reconnect. */
  private pending: InboundMessage[] = [];
  private readonly waiters = new Set<OutboundWaiter>();
  private sendFailures: Error[] = [];
  private seq = 0;
  private readonly store: PhoneChatStore | undefined;
  private readonly changeListeners = new Set<() => void>();

  constructor(options: SandboxPhonesOptions = {}) {
    this.accountId = options.accountId ?? "default";
    this.store = options.store;
    this.now = options.now ?? (() => clock.nowMs());
    this.logger = options.logger ?? silentLogger;
    this.current = { state: "disconnected", reason: "not started", since: this.isoNow() };
  }

  /** Loads the chats the store kept (from an earlier run of the sandbox). */
  async restore(): Promise<void> {
    if (!this.store) return;
    for (const doc of await this.store.load(this.accountId)) {
      const chat = this.chatFor(doc.phone);
      if (doc.name) chat.name = doc.name;
      const { id, direction, text, at, seq } = doc;
      chat.messages.push({
        id,
        direction,
        text,
        at,
        seq,
        ...(doc.dedupeKey ? { dedupeKey: doc.dedupeKey } : {}),
      });
      if (direction === "in") this.knownInboundIds.set(id, doc.phone);
      this.seq = Math.max(this.seq, seq);
    }
  }

  /** Called after any chat changed (the sandbox page's live updates). */
  onChange(listener: () => void): Unsubscribe {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  // ---- Transport ------------------------------------------------------------------------------

  async start(): Promise<void> {
    if (this.current.state === "ready") return;
    this.setStatus("ready");
    await this.flushPending();
  }

  async stop(): Promise<void> {
    if (this.current.state === "disconnected" && this.current.reason === "stopped") return;
    this.setStatus("disconnected", "stopped");
  }

  status(): TransportStatus {
    return { ...this.current };
  }

  onStatusChange(listener: StatusListener): Unsubscribe {
    return this.statusListeners.add(listener);
  }

  onMessage(handler: InboundHandler): Unsubscribe {
    return this.inboundHandlers.add(handler);
  }

  async send(to: E164, text: string, dedupeKey: string): Promise<SendResult> {
    if (this.current.state !== "ready") throw new TransportNotReadyError(this.current.state);
    if (!isE164(to)) throw new InvalidRecipientError("recipient is not an E.164 phone number");
    if (!text.trim()) throw new InvalidRecipientError("message text is empty");
    const failure = this.sendFailures.shift();
    if (failure) throw failure;
    const message: SentMessage = {
      id: waMessageId(true, to),
      direction: "out",
      text,
      at: this.isoNow(),
      dedupeKey,
    };
    const seq = ++this.seq;
    await this.keep(to, { ...message, seq });
    this.chatFor(to).messages.push({ ...message, seq });
    this.changed();
    for (const waiter of this.waiters) {
      if (waiter.phone === to && waiter.predicate(message)) {
        this.waiters.delete(waiter);
        waiter.resolve(message);
      }
    }
    return { messageId: message.id };
  }

  /** The phone keeps the key each message was sent under, so it answers exactly. */
  async findSent(to: E164, attempt: SendAttempt): Promise<SendResult | undefined> {
    const found = this.chatsByPhone
      .get(to)
      ?.messages.find((m) => m.direction === "out" && m.dedupeKey === attempt.dedupeKey);
    return found ? { messageId: found.id } : undefined;
  }

  // ---- the customer's side ----------------------------------------------------------------------

  /**
   * A customer writes. Resolves once the gateway's handlers have settled (or at once, when the
   * gateway is not connected: the message is delivered when it connects, as WhatsApp does).
   */
  async receive(input: CustomerMessageInput): Promise<{ messageId: string }> {
    if (!isE164(input.from)) throw new InvalidRecipientError("from is not an E.164 phone number");
    const messageId = input.id ?? waMessageId(false, input.from);
    const writer = this.knownInboundIds.get(messageId);
    if (writer !== undefined && writer !== input.from) {
      throw new RefusedCustomerMessageError("id is already used by a message from another phone");
    }
    const name = input.name?.trim() || this.chatsByPhone.get(input.from)?.name;
    const at = this.now();
    const { text, truncated } = normalizeText(input.text);
    const inbound: InboundMessage = {
      accountId: this.accountId,
      messageId,
      chatId: e164ToJid(input.from),
      from: input.from,
      ...(name ? { name } : {}),
      text,
      type: "text",
      truncated,
      timestamp: at,
      isGroup: false,
    };
    // Checked before the phone shows it: a message the gateway cannot store is never "sent".
    const [problem] = inboundMessageProblems(inbound);
    if (problem !== undefined) throw new RefusedCustomerMessageError(problem);
    const chat = this.chatFor(input.from);
    if (name) chat.name = name;
    // A redelivery (same id) is one message on the phone, but reaches the gateway again.
    if (writer === undefined) {
      const message = {
        id: messageId,
        direction: "in" as const,
        text: input.text,
        at: new Date(at).toISOString(),
        seq: ++this.seq,
      };
      await this.keep(input.from, message, name);
      this.knownInboundIds.set(messageId, input.from);
      chat.messages.push(message);
      this.changed();
    }
    if (this.current.state === "ready") await this.deliver(inbound);
    else this.pending.push(inbound);
    return { messageId };
  }

  /** The conversation with one phone, oldest first (empty for a phone that never wrote). */
  chat(phone: E164): Chat {
    const chat = this.chatsByPhone.get(phone);
    return {
      phone,
      ...(chat?.name ? { name: chat.name } : {}),
      messages: (chat?.messages ?? []).map(toChatMessage),
    };
  }

  /** Every phone with its last message, most recent first. */
  chats(): ChatSummary[] {
    return [...this.chatsByPhone.values()]
      .filter((chat) => chat.messages.length > 0)
      .sort((a, b) => (b.messages.at(-1)?.seq ?? 0) - (a.messages.at(-1)?.seq ?? 0))
      .map((chat) => ({
        phone: chat.phone,
        ...(chat.name ? { name: chat.name } : {}),
        lastMessage: toChatMessage(chat.messages.at(-1)!),
      }));
  }

  /** What the gateway sent to this phone, oldest first, with the dedupe keys it used. */
  outbound(phone: E164): SentMessage[] {
    return (this.chatsByPhone.get(phone)?.messages ?? [])
      .filter((m) => m.direction === "out")
      .map((m) => ({ ...toChatMessage(m), direction: "out", dedupeKey: m.dedupeKey ?? "" }));
  }

  /**
   * Resolves with the first outbound message to `phone` that matches, already sent or sent later;
   * rejects after timeoutMs. Use the predicate to skip earlier messages.
   */
  waitForOutbound(
    phone: E164,
    predicate: (message: SentMessage) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<SentMessage> {
    const already = this.outbound(phone).find(predicate);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`no matching outbound message to ${phone} within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter: OutboundWaiter = {
        phone,
        predicate,
        resolve: (message) => {
          clearTimeout(timer);
          resolve(message);
        },
      };
      this.waiters.add(waiter);
    });
  }

  // ---- fault injection for tests ----------------------------------------------------------------

  /** The connection drops: sends throw TransportNotReadyError, customer messages wait. */
  simulateDisconnect(reason = "simulated disconnect"): void {
    this.setStatus("disconnected", reason);
  }

  /** The connection comes back; messages written meanwhile are delivered. */
  async simulateReconnect(): Promise<void> {
    this.setStatus("ready");
    await this.flushPending();
  }

  /** The next `count` sends fail with `error` after the checks (as a flaky WhatsApp Web would). */
  failNextSends(count: number, error: Error = new Error("simulated send failure")): void {
    for (let i = 0; i < count; i++) this.sendFailures.push(error);
  }

  /** Forgets every chat (the sandbox page's "clear"). */
  async clear(): Promise<void> {
    this.chatsByPhone.clear();
    this.knownInboundIds.clear();
    this.pending = [];
    await this.store?.clear(this.accountId);
    this.changed();
  }

  // ---- internals --------------------------------------------------------------------------------

  private async keep(
    phone: E164,
    message: ChatMessage & { seq: number; dedupeKey?: string },
    name = this.chatsByPhone.get(phone)?.name,
  ): Promise<void> {
    if (!this.store) return;
    await this.store.append({
      _id: `${this.accountId}:${message.id}`,
      accountId: this.accountId,
      phone,
      ...(name ? { name } : {}),
      id: message.id,
      direction: message.direction,
      text: message.text,
      at: message.at,
      seq: message.seq,
      ...(message.dedupeKey ? { dedupeKey: message.dedupeKey } : {}),
    });
  }

  private changed(): void {
    for (const listener of this.changeListeners) listener();
  }

  private chatFor(phone: E164): StoredChat {
    let chat = this.chatsByPhone.get(phone);
    if (!chat) {
      chat = { phone, messages: [] };
      this.chatsByPhone.set(phone, chat);
    }
    return chat;
  }

  private async deliver(message: InboundMessage): Promise<void> {
    await this.inboundHandlers.emit(message, (error) =>
      this.logger.error({ accountId: this.accountId, error: describeError(error) }, "inbound handler failed"),
    );
  }

  private async flushPending(): Promise<void> {
    const queued = this.pending;
    this.pending = [];
    for (const message of queued) await this.deliver(message);
  }

  private setStatus(state: TransportState, reason?: string): void {
    this.current = { state, ...(reason ? { reason } : {}), since: this.isoNow() };
    void this.statusListeners.emit(this.status(), (error) =>
      this.logger.error({ accountId: this.accountId, error: describeError(error) }, "status listener failed"),
    );
  }

  private isoNow(): string {
    return new Date(this.now()).toISOString();
  }
}

function toChatMessage(message: ChatMessage): ChatMessage {
  return { id: message.id, direction: message.direction, text: message.text, at: message.at };
}
