// Keeps one whatsapp-web.js client alive: a fresh client per attempt, a boot watchdog (navigation
// can hang forever), exponential backoff after failures, browser-crash detection (the library emits
// nothing when Chromium dies) and a clean stop that destroys the client and never logs out.
import { clock } from "../../../shared/clock.js";
import { Listeners } from "../listeners.js";
import { describeError, silentLogger, type WorkerLogger } from "../../logger.js";
import { normalizeInbound, type InboundRules, type RawWaMessage } from "../normalize.js";
import { e164ToJid, isE164, jidToE164 } from "../../../shared/domain/phone.js";
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
} from "../transport.js";
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffOptions } from "./backoff.js";
import { toRawWaMessage } from "./message.js";
import type { WaClient, WaClientFactory, WaMessageLike } from "./wa-client.js";

export interface SupervisorOptions {
  accountId: string;
  /** Builds a NEW client for every attempt (a client cannot be re-initialized after a failure). */
  createClient: WaClientFactory;
  /** Removes stale Chromium profile locks; runs before every attempt, once the previous client is destroyed. */
  clearStaleLocks?: () => void | Promise<void>;
  /** An attempt that shows neither a QR nor "ready" within this time is destroyed and retried. Default 180 s. */
  bootTimeoutMs?: number;
  /** How long to wait for client.destroy() before giving up on it (and killing Chromium). Default 15 s. */
  destroyTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** After this many consecutive failed attempts the state becomes "failed" and retries stop. Default: never. */
  maxConsecutiveFailures?: number;
  /** Group chats are ignored unless true. Default false. */
  allowGroups?: boolean;
  /** Messages older than start() minus this are ignored (replays). Default 10 minutes. */
  staleGraceMs?: number;
  logger?: WorkerLogger;
  /** Source of jitter, [0, 1). */
  random?: () => number;
}

// States after which restarting would only make things worse: a human must act.
const TERMINAL_DISCONNECT_REASONS = new Set(["TOS_BLOCK", "SMB_TOS_BLOCK", "DEPRECATED_VERSION"]);
const RECENT_IDS_LIMIT = 1_000;
const LID_CACHE_LIMIT = 10_000;
/** How many of our latest messages in a chat findSent reads. */
const SENT_LOOKUP_LIMIT = 50;
/** WhatsApp dates messages in whole seconds by its own clock. */
const SENT_LOOKUP_CLOCK_SKEW_MS = 60_000;

export class WwebjsSupervisor implements Transport {
  readonly accountId: string;
  private readonly options: SupervisorOptions;
  private readonly backoff: BackoffOptions;
  private readonly logger: WorkerLogger;
  private readonly random: () => number;
  private readonly statusListeners = new Listeners<TransportStatus>();
  private readonly inboundHandlers = new Listeners<InboundMessage>();

  private current: TransportStatus;
  /** Bumped whenever a client is retired; events carrying an older generation are ignored. */
  private generation = 0;
  private client: WaClient | undefined;
  private running = false;
  private startedAtMs = 0;
  private consecutiveFailures = 0;
  private watchdog: NodeJS.Timeout | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  /** The attempt currently creating a client (stop() waits for it so nothing is left behind). */
  private creating: Promise<void> = Promise.resolve();
  /** Destroys in flight (stop() waits for them). */
  private readonly destroying = new Set<Promise<void>>();
  private stopping: Promise<void> | undefined;
  private inbound: Promise<void> = Promise.resolve();
  private readonly recentIds = new Set<string>();
  private readonly phoneByLid = new Map<string, E164>();

  constructor(options: SupervisorOptions) {
    this.options = options;
    this.accountId = options.accountId;
    this.backoff = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.logger = options.logger ?? silentLogger;
    this.random = options.random ?? Math.random;
    this.current = { state: "disconnected", reason: "not started", since: this.isoNow() };
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

  async start(): Promise<void> {
    if (this.stopping) await this.stopping;
    if (this.running && this.current.state !== "failed") return;
    this.running = true;
    this.consecutiveFailures = 0;
    this.startedAtMs = clock.nowMs();
    this.logger.info({ accountId: this.accountId }, "whatsapp gateway starting");
    this.launchAttempt();
  }

  stop(): Promise<void> {
    if (!this.running) return this.stopping ?? Promise.resolve();
    this.stopping ??= this.shutdown().finally(() => {
      this.stopping = undefined;
    });
    return this.stopping;
  }

  async send(to: E164, text: string, dedupeKey: string): Promise<SendResult> {
    const client = this.client;
    if (this.current.state !== "ready" || !client) throw new TransportNotReadyError(this.current.state);
    if (!isE164(to)) throw new InvalidRecipientError("recipient is not an E.164 phone number");
    if (!text.trim()) throw new InvalidRecipientError("message text is empty");
    const sent = await client.sendMessage(e164ToJid(to), text);
    this.logger.debug({ accountId: this.accountId, dedupeKey }, "whatsapp message sent");
    return { messageId: sent.id._serialized };
  }

  /**
   * WhatsApp keeps no key of ours: a message of ours in the chat with the same text, dated from the
   * attempt on (give or take the clocks' difference), is the one the attempt sent.
   */
  async findSent(to: E164, attempt: SendAttempt): Promise<SendResult | undefined> {
    const client = this.client;
    if (this.current.state !== "ready" || !client) throw new TransportNotReadyError(this.current.state);
    if (!isE164(to)) throw new InvalidRecipientError("recipient is not an E.164 phone number");
    const chat = await client.getChatById(e164ToJid(to));
    const recent = await chat.fetchMessages({ limit: SENT_LOOKUP_LIMIT, fromMe: true });
    const since = attempt.sinceMs - SENT_LOOKUP_CLOCK_SKEW_MS;
    const found = recent.find((m) => m.fromMe && m.body === attempt.text && m.timestamp * 1000 >= since);
    return found ? { messageId: found.id._serialized } : undefined;
  }

  // ---- attempts -------------------------------------------------------------------------------

  private launchAttempt(): void {
    const generation = ++this.generation;
    this.setStatus("starting", `attempt ${this.consecutiveFailures + 1}`);
    this.creating = this.runAttempt(generation);
  }

  private async runAttempt(generation: number): Promise<void> {
    let client: WaClient;
    try {
      // An old browser still closing holds the profile lock: let it finish first.
      await Promise.all([...this.destroying]);
      await this.options.clearStaleLocks?.();
      client = await this.options.createClient();
    } catch (error) {
      this.fail(generation, `client creation failed: ${describeError(error)}`);
      return;
    }
    if (!this.isCurrent(generation)) {
      await this.destroyQuietly(client);
      return;
    }
    this.client = client;
    this.wire(client, generation);
    this.armWatchdog(generation);
    // Not awaited by start(): initialize() may hang forever (the watchdog handles that).
    client.initialize().then(
      () => {
        if (this.isCurrent(generation)) this.watchBrowser(client, generation);
      },
      (error: unknown) => this.fail(generation, `initialize failed: ${describeError(error)}`),
    );
  }

  private wire(client: WaClient, generation: number): void {
    const whenCurrent =
      <A extends unknown[]>(handler: (...args: A) => void) =>
      (...args: A) => {
        if (this.isCurrent(generation)) handler(...args);
      };
    client.on(
      "qr",
      whenCurrent((qr: string) => {
        this.disarmWatchdog(); // waiting for a human to scan is not a hang
        this.watchBrowser(client, generation);
        this.setStatus("qr", "scan the QR code with WhatsApp", qr);
      }),
    );
    client.on(
      "authenticated",
      whenCurrent(() => {
        this.armWatchdog(generation); // after a scan, "ready" must still come
        this.watchBrowser(client, generation);
        this.setStatus("starting", "authenticated");
      }),
    );
    client.on(
      "ready",
      whenCurrent(() => {
        this.disarmWatchdog();
        this.watchBrowser(client, generation);
        this.consecutiveFailures = 0;
        this.setStatus("ready");
      }),
    );
    client.on(
      "auth_failure",
      whenCurrent((message: unknown) => this.fail(generation, `auth_failure: ${String(message)}`)),
    );
    client.on(
      "disconnected",
      whenCurrent((reason: unknown) => {
        const why = String(reason);
        this.fail(generation, `disconnected: ${why}`, TERMINAL_DISCONNECT_REASONS.has(why));
      }),
    );
    client.on(
      "change_state",
      whenCurrent((state: unknown) => {
        this.logger.debug({ accountId: this.accountId, waState: String(state) }, "whatsapp state changed");
      }),
    );
    client.on(
      "message",
      whenCurrent((message: WaMessageLike) => {
        // One at a time, in arrival order: the conversation must be stored in the order it was written.
        this.inbound = this.inbound
          .then(() => this.receive(client, generation, message))
          .catch((error: unknown) =>
            this.logger.warn(
              { accountId: this.accountId, error: describeError(error) },
              "message not processed",
            ),
          );
      }),
    );
  }

  /** Chromium dying emits nothing on the client: puppeteer's browser 'disconnected' is the only signal. */
  private readonly watchedBrowsers = new WeakSet<object>();
  private watchBrowser(client: WaClient, generation: number): void {
    const browser = client.pupBrowser;
    if (!browser || this.watchedBrowsers.has(browser)) return;
    this.watchedBrowsers.add(browser);
    browser.on("disconnected", () => this.fail(generation, "browser disconnected"));
  }

  private armWatchdog(generation: number): void {
    this.disarmWatchdog();
    const timeoutMs = this.options.bootTimeoutMs ?? 180_000;
    this.watchdog = setTimeout(() => {
      this.watchdog = undefined;
      this.fail(generation, `boot watchdog: not ready after ${timeoutMs} ms`);
    }, timeoutMs);
  }

  private disarmWatchdog(): void {
    if (this.watchdog !== undefined) clearTimeout(this.watchdog);
    this.watchdog = undefined;
  }

  /** Retires the client of `generation` and schedules the next attempt (or gives up). */
  private fail(generation: number, reason: string, terminal = false): void {
    if (!this.isCurrent(generation)) return; // a late event from a retired client
    this.generation++;
    this.disarmWatchdog();
    const old = this.client;
    this.client = undefined;
    this.consecutiveFailures++;
    const max = this.options.maxConsecutiveFailures ?? Number.POSITIVE_INFINITY;
    if (terminal || this.consecutiveFailures >= max) {
      this.logger.error({ accountId: this.accountId, reason }, "whatsapp gateway gave up; a human must act");
      this.setStatus("failed", reason);
      if (old) void this.destroyQuietly(old);
      return;
    }
    const delayMs = backoffDelayMs(this.consecutiveFailures, this.backoff, this.random);
    this.logger.warn(
      { accountId: this.accountId, reason, retryInMs: delayMs, failures: this.consecutiveFailures },
      "whatsapp client lost; restarting",
    );
    this.setStatus("disconnected", `${reason}; retrying in ${delayMs} ms`);
    const retired = old ? this.destroyQuietly(old) : Promise.resolve();
    const retryGeneration = this.generation;
    // The next attempt waits for the old browser to be gone (it holds the profile lock).
    void retired.then(() => {
      if (!this.isCurrent(retryGeneration)) return;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        if (this.isCurrent(retryGeneration)) this.launchAttempt();
      }, delayMs);
    });
  }

  private isCurrent(generation: number): boolean {
    return this.running && !this.stopping && generation === this.generation;
  }

  // ---- inbound --------------------------------------------------------------------------------

  private async receive(client: WaClient, generation: number, message: WaMessageLike): Promise<void> {
    let raw: RawWaMessage;
    try {
      raw = toRawWaMessage(message);
    } catch (error) {
      this.logger.warn(
        { accountId: this.accountId, error: describeError(error) },
        "unreadable message ignored",
      );
      return;
    }
    if (this.recentIds.has(raw.id)) return; // the library sometimes emits a message twice
    await this.resolveLids(client, [raw.from, raw.author]);
    if (!this.isCurrent(generation)) return;
    const rules: InboundRules = {
      accountId: this.accountId,
      allowGroups: this.options.allowGroups ?? false,
      gatewayStartedAtMs: this.startedAtMs,
      graceMs: this.options.staleGraceMs ?? 10 * 60_000,
    };
    const decision = normalizeInbound(raw, rules, (lid) => this.phoneByLid.get(lid));
    if (!decision.accept) {
      if (decision.reason === "invalid") {
        this.logger.warn(
          { accountId: this.accountId, reason: decision.reason, problems: decision.problems },
          "inbound message refused",
        );
        return;
      }
      const log = decision.reason === "unresolved-sender" ? this.logger.warn : this.logger.debug;
      log.call(
        this.logger,
        { accountId: this.accountId, reason: decision.reason },
        "inbound message ignored",
      );
      return;
    }
    this.remember(raw.id);
    await this.inboundHandlers.emit(decision.message, (error) =>
      this.logger.error({ accountId: this.accountId, error: describeError(error) }, "inbound handler failed"),
    );
  }

  private async resolveLids(client: WaClient, jids: (string | undefined)[]): Promise<void> {
    const unknown = jids.filter((j): j is string => !!j && j.endsWith("@lid") && !this.phoneByLid.has(j));
    if (unknown.length === 0 || !client.getContactLidAndPhone) return;
    try {
      const pairs = await client.getContactLidAndPhone(unknown);
      if (this.phoneByLid.size > LID_CACHE_LIMIT) this.phoneByLid.clear();
      for (const { lid, pn } of pairs) {
        const phone = pn ? (jidToE164(pn) ?? undefined) : undefined;
        if (lid && phone) this.phoneByLid.set(lid, phone);
      }
    } catch (error) {
      this.logger.warn(
        { accountId: this.accountId, error: describeError(error) },
        "could not resolve @lid sender",
      );
    }
  }

  private remember(id: string): void {
    this.recentIds.add(id);
    if (this.recentIds.size > RECENT_IDS_LIMIT) {
      const oldest = this.recentIds.values().next().value;
      if (oldest !== undefined) this.recentIds.delete(oldest);
    }
  }

  // ---- shutdown -------------------------------------------------------------------------------

  private async shutdown(): Promise<void> {
    this.generation++; // every event or timer from now on belongs to a retired client
    this.disarmWatchdog();
    if (this.retryTimer !== undefined) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    await this.creating;
    // Intake has stopped (generation bumped); let a message already being handled finish.
    await this.withinDestroyTimeout(this.inbound);
    const client = this.client;
    this.client = undefined;
    if (client) await this.destroyQuietly(client);
    await Promise.all([...this.destroying]);
    this.running = false;
    this.setStatus("disconnected", "stopped");
    this.logger.info({ accountId: this.accountId }, "whatsapp gateway stopped");
  }

  /** destroy() closes Chromium and flushes the profile; logout() would unlink the device, so never. */
  private destroyQuietly(client: WaClient): Promise<void> {
    const done = this.destroyWithTimeout(client).finally(() => this.destroying.delete(done));
    this.destroying.add(done);
    return done;
  }

  private async destroyWithTimeout(client: WaClient): Promise<void> {
    try {
      const outcome = await this.withinDestroyTimeout(client.destroy());
      if (outcome === "timeout") {
        this.logger.warn({ accountId: this.accountId }, "client.destroy() timed out; killing the browser");
        client.pupBrowser?.process?.()?.kill("SIGKILL");
      }
    } catch (error) {
      this.logger.warn({ accountId: this.accountId, error: describeError(error) }, "client.destroy() failed");
      client.pupBrowser?.process?.()?.kill("SIGKILL");
    }
  }

  /** Waits for `work`, at most destroyTimeoutMs. */
  private async withinDestroyTimeout(work: Promise<unknown>): Promise<"done" | "timeout"> {
    const timeoutMs = this.options.destroyTimeoutMs ?? 15_000;
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<"timeout">((resolve) => {
      timer = setTimeout(() => resolve("timeout"), timeoutMs);
    });
    try {
      return await Promise.race([work.then(() => "done" as const), timedOut]);
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- status ---------------------------------------------------------------------------------

  private setStatus(state: TransportState, reason?: string, qr?: string): void {
    const previous = this.current.state;
    this.current = {
      state,
      ...(reason ? { reason } : {}),
      ...(qr ? { qr } : {}),
      since: this.isoNow(),
    };
    // QR codes refresh every ~20 s: log entering the state, not every refresh (and never the code).
    if (state !== "qr" || previous !== "qr")
      this.logger.info({ accountId: this.accountId, state, reason }, "whatsapp status");
    const snapshot = this.status();
    void this.statusListeners.emit(snapshot, (error) =>
      this.logger.error({ accountId: this.accountId, error: describeError(error) }, "status listener failed"),
    );
  }

  private isoNow(): string {
    return clock.now().toISOString();
  }
}
