// The settings table: every variable the product reads, with its section in the .env example, its
// one-line doc, its default as written in the environment, whether it is a secret, its parser, and
// `at`, where its value lands in the Config object (the Config type is derived from this).
import { z } from "zod";
import {
  accountId,
  appIdPrefix,
  bool,
  businessDays,
  businessHours,
  decimal,
  duration,
  httpUrl,
  inngestDev,
  int,
  keywords,
  list,
  mongoUri,
  oneOf,
  port,
  signingKey,
  text,
  timeOfDay,
  timezone,
} from "./parsers.js";

export type Env = Record<string, string | undefined>;

export type Group =
  | "app"
  | "mongo"
  | "inngest"
  | "http"
  | "slack"
  | "anthropic"
  | "agent"
  | "whatsapp"
  | "timers"
  | "business"
  | "automations"
  | "sandbox";

/** Where a value lands in Config: a top-level field ("nodeEnv") or "section.field" ("mongo.uri"). */
export type ConfigPath = string;

export interface Setting<T, At extends ConfigPath | undefined = ConfigPath | undefined> {
  group: Group;
  doc: string;
  /** Default as written in `.env.example`; undefined = unset (optional or derived from other settings). */
  default: string | undefined;
  secret: boolean;
  schema: z.ZodType<T>;
  /** Undefined for a setting that only feeds values derived from several settings (see shape.ts). */
  at: At;
}

/** A variable with a default: an unset or empty value (`VAR=`) takes the default. */
function setting<T, const At extends ConfigPath>(
  group: Group,
  doc: string,
  parser: z.ZodType<T, string>,
  opts: { default: string; secret?: boolean; at: At },
): Setting<T, At> {
  const schema = z.preprocess((raw) => (raw === undefined || raw === "" ? opts.default : raw), parser);
  return {
    group,
    doc,
    default: opts.default,
    secret: opts.secret ?? false,
    schema: schema as z.ZodType<T>,
    at: opts.at,
  };
}

/** A variable without a default: unset or empty (`VAR=`) reads as undefined. */
function optional<T, const At extends ConfigPath | undefined = undefined>(
  group: Group,
  doc: string,
  parser: z.ZodType<T, string>,
  opts: { secret?: boolean; at?: At } = {},
): Setting<T | undefined, At> {
  const schema = z.preprocess((raw) => (raw === "" ? undefined : raw), parser.optional());
  return {
    group,
    doc,
    default: undefined,
    secret: opts.secret ?? false,
    schema: schema as z.ZodType<T | undefined>,
    at: opts.at as At,
  };
}

export const settings = {
  // app
  NODE_ENV: setting(
    "app",
    "Runtime mode: development, test or production",
    oneOf(["development", "test", "production"]),
    {
      default: "development",
      at: "nodeEnv",
    },
  ),
  LOG_LEVEL: setting(
    "app",
    "Log level: fatal, error, warn, info, debug, trace or silent",
    oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    { default: "info", at: "log.level" },
  ),

  // mongo
  MONGODB_URI: optional(
    "mongo",
    "MongoDB connection string; unset = the embedded development stand-in (sandbox only)",
    mongoUri(),
    { secret: true, at: "mongo.uri" },
  ),
  MONGODB_DB: setting(
    "mongo",
    "Database name",
    text().regex(/^[^/\\. "$]{1,63}$/, "must be a valid MongoDB database name"),
    {
      default: "salesbot",
      at: "mongo.db",
    },
  ),
  SANDBOX_DATA_DIR: setting(
    "mongo",
    "Where the sandbox keeps its data (embedded MongoDB journal, engine state)",
    text(),
    {
      default: ".data",
      at: "mongo.sandboxDataDir",
    },
  ),

  // inngest
  INNGEST_DEV: optional(
    "inngest",
    "1 = dev mode (local engine/dev server, no signatures), a URL = dev mode against that URL, 0 = cloud/self-hosted; unset = dev, or cloud when NODE_ENV=production",
    inngestDev(),
  ),
  INNGEST_BASE_URL: optional(
    "inngest",
    "Inngest API/event URL: the local engine or dev server in dev mode (default http://127.0.0.1:8288), a self-hosted server in cloud mode (unset = Inngest Cloud)",
    httpUrl(),
    { at: "inngest.baseUrl" },
  ),
  INNGEST_EVENT_KEY: optional(
    "inngest",
    "Event key for sending events (required in cloud mode and with NODE_ENV=production)",
    text(),
    {
      secret: true,
      at: "inngest.eventKey",
    },
  ),
  INNGEST_SIGNING_KEY: optional(
    "inngest",
    "Signing key that authenticates the engine's calls to our apps (required in cloud mode and with NODE_ENV=production)",
    signingKey(),
    { secret: true, at: "inngest.signingKey" },
  ),
  INNGEST_SIGNING_KEY_FALLBACK: optional(
    "inngest",
    "Previous signing key, accepted during key rotation",
    signingKey(),
    {
      secret: true,
      at: "inngest.signingKeyFallback",
    },
  ),
  INNGEST_APP_ID: setting(
    "inngest",
    "Prefix of the Inngest app ids: <prefix>-worker-<whatsapp account> and <prefix>-slack",
    appIdPrefix(),
    { default: "salesbot", at: "inngest.appIdPrefix" },
  ),
  INNGEST_SERVE_ORIGIN: optional(
    "inngest",
    "Public origin (https://host) the engine calls back on, the only URL a sync registers; required in cloud mode and production; unset in dev = from the request",
    httpUrl().refine(
      (url) => new URL(url).origin === url,
      "must be an origin only (https://host[:port]), no path",
    ),
    { at: "inngest.serveOrigin" },
  ),

  // http
  PORT: setting(
    "http",
    "Port of the web process (Slack side: /slack/events, /api/inngest, /healthz)",
    port(),
    {
      default: "3000",
      at: "http.webPort",
    },
  ),
  WORKER_PORT: setting(
    "http",
    "Port of the worker process (WhatsApp side: /api/inngest, /healthz, QR page)",
    port(),
    {
      default: "3001",
      at: "http.workerPort",
    },
  ),
  SANDBOX_PORT: setting("http", "Port of the sandbox page (npm start)", port(), {
    default: "3100",
    at: "http.sandboxPort",
  }),

  // slack
  SLACK_BOT_TOKEN: optional(
    "slack",
    "Bot token (xoxb-...); unset = npm start uses its simulated Slack workspace, the web process has no Slack app (/slack/events answers 503)",
    text(),
    {
      secret: true,
      at: "slack.botToken",
    },
  ),
  SLACK_SIGNING_SECRET: optional(
    "slack",
    "Signing secret that authenticates Slack's requests; unset = no Slack app (/slack/events answers 503)",
    text(),
    {
      secret: true,
      at: "slack.signingSecret",
    },
  ),
  SLACK_APPROVALS_CHANNEL: setting("slack", "Channel (id or name) where orders wait for approval", text(), {
    default: "approvals",
    at: "slack.approvalsChannel",
  }),
  SLACK_HANDOFF_CHANNEL: setting(
    "slack",
    "Channel (id or name) where conversations handed to a person are answered, one thread each",
    text(),
    { default: "handoff", at: "slack.handoffChannel" },
  ),
  SLACK_OPS_CHANNEL: setting("slack", "Channel (id or name) for failure alerts with a Retry button", text(), {
    default: "ops",
    at: "slack.opsChannel",
  }),
  SLACK_SALES_CHANNEL: setting(
    "slack",
    "Channel (id or name) for the daily digest and automation notifications",
    text(),
    { default: "sales", at: "slack.salesChannel" },
  ),
  SLACK_INTERNAL_NOTE_PREFIX: setting(
    "slack",
    "A handoff thread reply starting with this stays an internal note (never sent to the customer)",
    text(),
    { default: "//", at: "slack.internalNotePrefix" },
  ),
  HANDOFF_AUTO_RESUME: setting(
    "slack",
    "Give a handed-off conversation back to the bot after this long without a staff reply (0s = never)",
    duration(),
    { default: "12h", at: "slack.handoffAutoResumeMs" },
  ),
  BRAIN_ALERT_WINDOW: setting(
    "slack",
    "At most one ops alert per WhatsApp account for model failures within this window",
    duration(),
    { default: "1h", at: "slack.brainAlertWindowMs" },
  ),
  DIGEST_TIME: setting(
    "slack",
    "Time of day (HH:MM, in BUSINESS_TIMEZONE) the daily digest of yesterday goes to the sales channel",
    timeOfDay(),
    { default: "09:00", at: "slack.digestMinute" },
  ),
  SLACK_ADMIN_USER_IDS: setting(
    "slack",
    "Comma-separated Slack user ids allowed to run admin commands (empty = nobody)",
    list(),
    { default: "", at: "slack.adminUserIds" },
  ),
  SLACK_APPROVER_USER_IDS: setting(
    "slack",
    "Comma-separated Slack user ids allowed to approve or reject orders (admins may too; empty = admins only)",
    list(),
    { default: "", at: "slack.approverUserIds" },
  ),
  SLACK_API_URL: optional(
    "slack",
    "Slack Web API base URL; unset = https://slack.com/api/ (npm start points it at its simulated workspace)",
    httpUrl().transform((u) => `${u}/`),
    { at: "slack.apiUrl" },
  ),

  // anthropic
  ANTHROPIC_API_KEY: optional("anthropic", "Claude API key; unset = the offline rules brain", text(), {
    secret: true,
    at: "anthropic.apiKey",
  }),
  ANTHROPIC_BASE_URL: optional("anthropic", "Messages API base URL; unset = Anthropic's", httpUrl(), {
    at: "anthropic.baseUrl",
  }),
  ANTHROPIC_MODEL: setting("anthropic", "Claude model id", text(), {
    default: "claude-sonnet-4-6",
    at: "anthropic.model",
  }),
  ANTHROPIC_MAX_TOKENS: setting("anthropic", "Max output tokens per brain call", int(64, 64_000), {
    default: "1024",
    at: "anthropic.maxTokens",
  }),

  // agent
  AGENT_HISTORY_WINDOW: setting("agent", "How many recent messages the brain sees", int(1, 500), {
    default: "30",
    at: "agent.historyWindow",
  }),
  AGENT_DAILY_COST_CAP_USD: setting(
    "agent",
    "Per-conversation daily model cost cap in USD; reaching it hands the conversation to a human",
    decimal(0, 10_000),
    { default: "2", at: "agent.dailyCostCapUsd" },
  ),
  AGENT_DEBOUNCE: setting(
    "agent",
    "Quiet time that turns a burst of customer messages into one brain call (0s = off: one turn per message)",
    // Inngest accepts debounce periods from 1 second to 7 days; 0 leaves debounce out of the function.
    duration().pipe(
      z
        .number()
        .refine(
          (ms) => ms === 0 || ms >= 1_000,
          "must be 0s (off) or at least 1s (Inngest's shortest debounce period)",
        )
        .refine((ms) => ms <= 7 * 24 * 3_600_000, "must be at most 7d (Inngest's longest debounce period)"),
    ),
    {
      default: "2s",
      at: "agent.debounceMs",
    },
  ),
  AGENT_MODE_TRANSITION_DELAY: setting(
    "agent",
    "Pause between mode transitions (e.g. data complete → promos)",
    duration(),
    {
      default: "2s",
      at: "agent.modeTransitionDelayMs",
    },
  ),

  // whatsapp
  WHATSAPP_ACCOUNT_ID: setting(
    "whatsapp",
    "This worker's WhatsApp account id (one worker per account)",
    accountId(),
    {
      default: "default",
      at: "whatsapp.accountId",
    },
  ),
  WHATSAPP_TRANSPORT: optional(
    "whatsapp",
    "sandbox = simulated phones, wwebjs = whatsapp-web.js; unset = sandbox, or wwebjs when NODE_ENV=production",
    oneOf(["sandbox", "wwebjs"]),
    { at: "whatsapp.transport" },
  ),
  WHATSAPP_CHROMIUM_PATH: setting("whatsapp", "Chromium used by whatsapp-web.js", text(), {
    default: "/usr/bin/chromium",
    at: "whatsapp.chromiumPath",
  }),
  WHATSAPP_AUTH_DIR: setting("whatsapp", "Where whatsapp-web.js keeps its session (LocalAuth)", text(), {
    default: ".wwebjs_auth",
    at: "whatsapp.authDir",
  }),
  WHATSAPP_ADMIN_TOKEN: optional(
    "whatsapp",
    "Token that protects the QR pairing page; unset = the page is disabled",
    text().min(16, "must be at least 16 characters"),
    { secret: true, at: "whatsapp.adminToken" },
  ),
  WHATSAPP_ALLOW_GROUPS: setting("whatsapp", "Answer group chats too", bool(), {
    default: "false",
    at: "whatsapp.allowGroups",
  }),
  WHATSAPP_OPT_OUT_KEYWORDS: setting(
    "whatsapp",
    "Whole-message keywords (any case) that opt a contact out",
    keywords(),
    {
      default: "STOP,BAJA,UNSUBSCRIBE",
      at: "whatsapp.optOutKeywords",
    },
  ),
  WHATSAPP_OPT_IN_KEYWORDS: setting(
    "whatsapp",
    "Whole-message keywords (any case) that opt a contact back in",
    keywords(),
    {
      default: "START",
      at: "whatsapp.optInKeywords",
    },
  ),
  WHATSAPP_PROACTIVE_PER_MINUTE: setting(
    "whatsapp",
    "Proactive messages per recipient per minute",
    int(1, 1_000),
    {
      default: "10",
      at: "whatsapp.proactivePerMinute",
    },
  ),
  WHATSAPP_ACCOUNT_PER_MINUTE: setting(
    "whatsapp",
    "Proactive messages per account per minute",
    int(1, 10_000),
    {
      default: "60",
      at: "whatsapp.accountPerMinute",
    },
  ),
  WHATSAPP_DEFAULT_COUNTRY_CODE: setting(
    "whatsapp",
    "Country calling code for numbers written without one (52 = Mexico)",
    z
      .string()
      .trim()
      .regex(/^[1-9]\d{0,2}$/, "must be a country calling code of 1-3 digits, without +"),
    { default: "52", at: "whatsapp.defaultCountryCode" },
  ),
  WHATSAPP_BOOT_TIMEOUT: setting(
    "whatsapp",
    "Restart the WhatsApp client if it is not ready this long after start",
    duration(),
    {
      default: "2m",
      at: "whatsapp.bootTimeoutMs",
    },
  ),
  WHATSAPP_INBOUND_GRACE: setting(
    "whatsapp",
    "Ignore messages older than the gateway's start minus this",
    duration(),
    {
      default: "2m",
      at: "whatsapp.inboundGraceMs",
    },
  ),

  // timers
  DATA_COLLECTION_TIMEOUT: setting(
    "timers",
    "Silence before nudging a customer who has not finished giving their data",
    duration(),
    {
      default: "6m",
      at: "timers.dataCollectionTimeoutMs",
    },
  ),
  DATA_COLLECTION_MAX_NUDGES: setting(
    "timers",
    "At most this many data-collection nudges per customer per day (business timezone)",
    int(0, 20),
    {
      default: "2",
      at: "timers.dataCollectionMaxNudges",
    },
  ),
  PROMOS_TIMEOUT: setting(
    "timers",
    "Silence after promos are offered before the default pack (1x) is ordered",
    duration(),
    {
      default: "10m",
      at: "timers.promosTimeoutMs",
    },
  ),
  APPROVAL_TIMEOUT: setting(
    "timers",
    "Time an order waits for a Slack decision before it expires",
    duration(),
    {
      default: "24h",
      at: "timers.approvalTimeoutMs",
    },
  ),
  APPROVAL_REMINDER: setting(
    "timers",
    "Remind the approvals channel after this long without a decision (0s = never)",
    duration(),
    {
      default: "4h",
      at: "timers.approvalReminderMs",
    },
  ),

  // business
  BUSINESS_TIMEZONE: setting("business", "Time zone of the business hours", timezone(), {
    default: "America/Mexico_City",
    at: "business.timezone",
  }),
  BUSINESS_HOURS: setting(
    "business",
    "Opening hours for proactive messages, HH:MM-HH:MM (00:00-24:00 = always)",
    businessHours(),
    { default: "09:00-19:00", at: "business.hours" },
  ),
  BUSINESS_DAYS: setting("business", "Opening days, e.g. mon-fri, mon-sat, mon,wed,fri", businessDays(), {
    default: "mon-sat",
    at: "business.days",
  }),

  // automations
  AUTOMATION_MAX_CASCADE_DEPTH: setting(
    "automations",
    "How deep automations may trigger each other before the chain is stopped",
    int(0, 10),
    { default: "3", at: "automations.maxCascadeDepth" },
  ),
  AUTOMATION_WEBHOOK_SECRET: optional(
    "automations",
    "Key of the HMAC-SHA256 signature on automation webhooks; unset = webhook actions fail",
    text(),
    { secret: true, at: "automations.webhookSecret" },
  ),
  AUTOMATION_WEBHOOK_ALLOWLIST: setting(
    "automations",
    "Comma-separated IPs or CIDR ranges webhooks may reach although private, loopback or link-local",
    list(),
    { default: "", at: "automations.webhookAllowlist" },
  ),

  // sandbox: the standalone local Inngest engine (`npm run engine`; its flags override these)
  INNGEST_ENGINE_PORT: setting(
    "sandbox",
    "Port of the standalone local Inngest engine (npm run engine)",
    port(),
    {
      default: "8288",
      at: "engine.port",
    },
  ),
  INNGEST_ENGINE_HOST: setting(
    "sandbox",
    "Interface the standalone local Inngest engine listens on",
    text(),
    { default: "127.0.0.1", at: "engine.host" },
  ),
  INNGEST_ENGINE_DATA_DIR: optional(
    "sandbox",
    "Where the standalone local Inngest engine keeps its embedded MongoDB when MONGODB_URI is unset; unset = <SANDBOX_DATA_DIR>/engine",
    text(),
    { at: "engine.dataDir" },
  ),
} as const;

export type SettingName = keyof typeof settings;

/** The table's entries in order, typed loosely for code that walks all of them. */
export const settingEntries = Object.entries(settings) as [SettingName, Setting<unknown>][];

/** Splits `at` into its section (undefined = a top-level field) and field: "mongo.uri" → mongo, uri. */
export function splitPath(at: ConfigPath): { section: string | undefined; field: string } {
  const dot = at.indexOf(".");
  return dot < 0
    ? { section: undefined, field: at }
    : { section: at.slice(0, dot), field: at.slice(dot + 1) };
}
