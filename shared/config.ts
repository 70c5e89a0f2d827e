// Every setting of the product, read from the environment (and `.env` when present), validated by one
// zod schema. Defaults make the sandbox (`npm start`) work with no variables at all. A bad value stops
// startup with one ConfigError that names every bad variable and why, and never echoes a secret.
import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
import { formatDuration, parseDuration } from "./duration.js";

export { formatDuration, parseDuration };

export type Env = Record<string, string | undefined>;

type Group =
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

interface Setting<T> {
  group: Group;
  doc: string;
  /** Default as written in `.env.example`; undefined = unset (optional or derived from other settings). */
  default: string | undefined;
  secret: boolean;
  schema: z.ZodType<T>;
}

/** A variable with a default: an unset or empty value (`VAR=`) takes the default. */
function setting<T>(
  group: Group,
  doc: string,
  parser: z.ZodType<T, string>,
  opts: { default: string; secret?: boolean },
): Setting<T> {
  const schema = z.preprocess((raw) => (raw === undefined || raw === "" ? opts.default : raw), parser);
  return { group, doc, default: opts.default, secret: opts.secret ?? false, schema: schema as z.ZodType<T> };
}

/** A variable without a default: unset or empty (`VAR=`) reads as undefined. */
function optional<T>(
  group: Group,
  doc: string,
  parser: z.ZodType<T, string>,
  opts: { secret?: boolean } = {},
): Setting<T | undefined> {
  const schema = z.preprocess((raw) => (raw === "" ? undefined : raw), parser.optional());
  return {
    group,
    doc,
    default: undefined,
    secret: opts.secret ?? false,
    schema: schema as z.ZodType<T | undefined>,
  };
}

// ---- value parsers (messages never include the value: it may be a secret) ----

const text = () => z.string().trim().min(1, "must not be blank");

const duration = () =>
  z.string().transform((raw, ctx) => {
    const ms = parseDuration(raw);
    if (ms === undefined) {
      ctx.addIssue({
        code: "custom",
        message: 'must be a duration with a unit, like "2s", "6m", "24h" or "1h30m"',
      });
      return z.NEVER;
    }
    return ms;
  });

const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const decimal = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, "must be a number like 2 or 2.50")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);
const bool = () =>
  z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    ctx.addIssue({ code: "custom", message: "must be true or false (also 1/0, yes/no, on/off)" });
    return z.NEVER;
  });

const list = () =>
  z.string().transform((raw) =>
    raw
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

const keywords = () => list().transform((items) => items.map((k) => k.toUpperCase()));

const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { error: () => `must be one of: ${values.join(", ")}` }));

const httpUrl = () =>
  z
    .string()
    .trim()
    .refine((raw) => {
      try {
        const u = new URL(raw);
        return u.protocol === "http:" || u.protocol === "https:";
      } catch {
        return false;
      }
    }, "must be an http(s) URL")
    .transform((raw) => raw.replace(/\/+$/, ""));

const mongoUri = () =>
  z
    .string()
    .trim()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, "must be a mongodb:// or mongodb+srv:// URI");

const port = () => int(0, 65_535);

// Inngest signing keys: Cloud keys look like `signkey-prod-<hex>`, self-hosted keys are plain even-length hex.
const signingKey = () =>
  z
    .string()
    .trim()
    .refine(
      (raw) => /^(signkey-[a-z]+-)?([0-9a-f]{2})+$/i.test(raw),
      "must be an even-length hex string, optionally prefixed signkey-<env>- (as Inngest issues them)",
    );

// INNGEST_DEV: "1"/"true" = dev mode on the default local URL, a URL = dev mode against that URL, "0"/"false" = cloud.
const inngestDev = () =>
  z.string().transform((raw, ctx): boolean | string => {
    const v = raw.trim().toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    const parsed = httpUrl().safeParse(raw);
    if (parsed.success) return parsed.data;
    ctx.addIssue({
      code: "custom",
      message: "must be 1/true (dev mode), 0/false (cloud mode) or a dev server URL",
    });
    return z.NEVER;
  });

// WhatsApp account ids go into Inngest app ids, event ids and message ids: keep them short and URL-safe.
const accountId = () =>
  z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, "must be 1-32 lowercase letters, digits or dashes");

const appIdPrefix = () =>
  z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be 1-40 lowercase letters, digits or dashes");

const timezone = () =>
  z
    .string()
    .trim()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat("en-US", { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, "must be an IANA time zone like America/Mexico_City");

export interface BusinessHours {
  /** Minutes after local midnight when the business opens (inclusive). */
  openMinute: number;
  /** Minutes after local midnight when it closes (exclusive); 1440 = end of day. */
  closeMinute: number;
}

const businessHours = () =>
  z.string().transform((raw, ctx): BusinessHours => {
    const m = /^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(raw.trim());
    const open = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
    const close = m ? Number(m[3]) * 60 + Number(m[4]) : NaN;
    const valid =
      m !== null && Number(m[2]) < 60 && Number(m[4]) < 60 && open >= 0 && close <= 1_440 && open < close;
    if (!valid) {
      ctx.addIssue({
        code: "custom",
        message: 'must be "HH:MM-HH:MM" with opening before closing, e.g. 09:00-19:00',
      });
      return z.NEVER;
    }
    return { openMinute: open, closeMinute: close };
  });

const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** "mon-fri", "mon-sat", "mon,wed,fri", "sat-sun" → sorted day numbers, 0 = Sunday (as Date#getDay). */
const businessDays = () =>
  z.string().transform((raw, ctx): number[] => {
    const days = new Set<number>();
    for (const part of raw.toLowerCase().split(",")) {
      const [fromName, toName, extra] = part.trim().split("-");
      const from = DAY_NAMES.indexOf((fromName ?? "").slice(0, 3) as (typeof DAY_NAMES)[number]);
      const to =
        toName === undefined ? from : DAY_NAMES.indexOf(toName.slice(0, 3) as (typeof DAY_NAMES)[number]);
      if (from < 0 || to < 0 || extra !== undefined) {
        ctx.addIssue({
          code: "custom",
          message: 'must list days like "mon-fri", "mon-sat" or "mon,wed,fri"',
        });
        return z.NEVER;
      }
      // Ranges may wrap around the week ("fri-mon").
      for (let d = from; ; d = (d + 1) % 7) {
        days.add(d);
        if (d === to) break;
      }
    }
    return [...days].sort((a, b) => a - b);
  });

// ---- the settings ----

export const settings = {
  // app
  NODE_ENV: setting(
    "app",
    "Runtime mode: development, test or production",
    oneOf(["development", "test", "production"]),
    {
      default: "development",
    },
  ),
  LOG_LEVEL: setting(
    "app",
    "Log level: fatal, error, warn, info, debug, trace or silent",
    oneOf(["fatal", "error", "warn", "info", "debug", "trace", "silent"]),
    { default: "info" },
  ),

  // mongo
  MONGODB_URI: optional(
    "mongo",
    "MongoDB connection string; unset = the embedded development stand-in (sandbox only)",
    mongoUri(),
    { secret: true },
  ),
  MONGODB_DB: setting(
    "mongo",
    "Database name",
    text().regex(/^[^/\\. "$]{1,63}$/, "must be a valid MongoDB database name"),
    {
      default: "salesbot",
    },
  ),
  SANDBOX_DATA_DIR: setting(
    "mongo",
    "Where the sandbox keeps its data (embedded MongoDB journal, engine state)",
    text(),
    {
      default: ".data",
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
  ),
  INNGEST_EVENT_KEY: optional(
    "inngest",
    "Event key for sending events (required in cloud mode and with NODE_ENV=production)",
    text(),
    {
      secret: true,
    },
  ),
  INNGEST_SIGNING_KEY: optional(
    "inngest",
    "Signing key that authenticates the engine's calls to our apps (required in cloud mode and with NODE_ENV=production)",
    signingKey(),
    { secret: true },
  ),
  INNGEST_SIGNING_KEY_FALLBACK: optional(
    "inngest",
    "Previous signing key, accepted during key rotation",
    signingKey(),
    {
      secret: true,
    },
  ),
  INNGEST_APP_ID: setting(
    "inngest",
    "Prefix of the Inngest app ids: <prefix>-worker-<whatsapp account> and <prefix>-slack",
    appIdPrefix(),
    { default: "salesbot" },
  ),
  INNGEST_SERVE_ORIGIN: optional(
    "inngest",
    "Public origin the engine calls back on (behind a proxy or in Docker); unset = taken from the request",
    httpUrl(),
  ),

  // http
  PORT: setting(
    "http",
    "Port of the web process (Slack side: /slack/events, /api/inngest, /healthz)",
    port(),
    {
      default: "3000",
    },
  ),
  WORKER_PORT: setting(
    "http",
    "Port of the worker process (WhatsApp side: /api/inngest, /healthz, QR page)",
    port(),
    {
      default: "3001",
    },
  ),
  SANDBOX_PORT: setting("http", "Port of the sandbox page (npm start)", port(), { default: "3100" }),

  // slack
  SLACK_BOT_TOKEN: optional("slack", "Bot token (xoxb-...); unset = the simulated Slack workspace", text(), {
    secret: true,
  }),
  SLACK_SIGNING_SECRET: optional("slack", "Signing secret that authenticates Slack's requests", text(), {
    secret: true,
  }),
  SLACK_APPROVALS_CHANNEL: setting("slack", "Channel (id or name) where orders wait for approval", text(), {
    default: "approvals",
  }),
  SLACK_ADMIN_USER_IDS: setting(
    "slack",
    "Comma-separated Slack user ids allowed to run admin commands (empty = nobody)",
    list(),
    { default: "" },
  ),
  SLACK_APPROVER_USER_IDS: setting(
    "slack",
    "Comma-separated Slack user ids allowed to approve or reject orders (admins may too; empty = admins only)",
    list(),
    { default: "" },
  ),
  SLACK_API_URL: optional(
    "slack",
    "Slack Web API base URL; unset = https://slack.com/api/ (the sandbox points it at the simulated workspace)",
    httpUrl().transform((u) => `${u}/`),
  ),

  // anthropic
  ANTHROPIC_API_KEY: optional("anthropic", "Claude API key; unset = the offline rules brain", text(), {
    secret: true,
  }),
  ANTHROPIC_BASE_URL: optional("anthropic", "Messages API base URL; unset = Anthropic's", httpUrl()),
  ANTHROPIC_MODEL: setting("anthropic", "Claude model id", text(), { default: "claude-sonnet-4-6" }),
  ANTHROPIC_MAX_TOKENS: setting("anthropic", "Max output tokens per brain call", int(64, 64_000), {
    default: "1024",
  }),

  // agent
  AGENT_HISTORY_WINDOW: setting("agent", "How many recent messages the brain sees", int(1, 500), {
    default: "30",
  }),
  AGENT_DAILY_COST_CAP_USD: setting(
    "agent",
    "Per-conversation daily model cost cap in USD; reaching it hands the conversation to a human",
    decimal(0, 10_000),
    { default: "2" },
  ),
  AGENT_DEBOUNCE: setting(
    "agent",
    "Quiet time that turns a burst of customer messages into one brain call",
    // Inngest accepts debounce periods from 1 second to 7 days.
    duration().pipe(
      z
        .number()
        .min(1_000, "must be at least 1s (Inngest's shortest debounce period)")
        .max(7 * 24 * 3_600_000, "must be at most 7d (Inngest's longest debounce period)"),
    ),
    {
      default: "2s",
    },
  ),
  AGENT_MODE_TRANSITION_DELAY: setting(
    "agent",
    "Pause between mode transitions (e.g. data complete → promos)",
    duration(),
    {
      default: "2s",
    },
  ),

  // whatsapp
  WHATSAPP_ACCOUNT_ID: setting(
    "whatsapp",
    "This worker's WhatsApp account id (one worker per account)",
    accountId(),
    {
      default: "default",
    },
  ),
  WHATSAPP_TRANSPORT: optional(
    "whatsapp",
    "sandbox = simulated phones, wwebjs = whatsapp-web.js; unset = sandbox, or wwebjs when NODE_ENV=production",
    oneOf(["sandbox", "wwebjs"]),
  ),
  WHATSAPP_CHROMIUM_PATH: setting("whatsapp", "Chromium used by whatsapp-web.js", text(), {
    default: "/usr/bin/chromium",
  }),
  WHATSAPP_AUTH_DIR: setting("whatsapp", "Where whatsapp-web.js keeps its session (LocalAuth)", text(), {
    default: ".wwebjs_auth",
  }),
  WHATSAPP_ADMIN_TOKEN: optional(
    "whatsapp",
    "Token that protects the QR pairing page; unset = the page is disabled",
    text().min(16, "must be at least 16 characters"),
    { secret: true },
  ),
  WHATSAPP_ALLOW_GROUPS: setting("whatsapp", "Answer group chats too", bool(), { default: "false" }),
  WHATSAPP_OPT_OUT_KEYWORDS: setting(
    "whatsapp",
    "Whole-message keywords (any case) that opt a contact out",
    keywords(),
    {
      default: "STOP,BAJA,UNSUBSCRIBE",
    },
  ),
  WHATSAPP_OPT_IN_KEYWORDS: setting(
    "whatsapp",
    "Whole-message keywords (any case) that opt a contact back in",
    keywords(),
    {
      default: "START",
    },
  ),
  WHATSAPP_PROACTIVE_PER_MINUTE: setting(
    "whatsapp",
    "Proactive messages per recipient per minute",
    int(1, 1_000),
    {
      default: "10",
    },
  ),
  WHATSAPP_ACCOUNT_PER_MINUTE: setting(
    "whatsapp",
    "Proactive messages per account per minute",
    int(1, 10_000),
    {
      default: "60",
    },
  ),
  WHATSAPP_DEFAULT_COUNTRY_CODE: setting(
    "whatsapp",
    "Country calling code for numbers written without one (52 = Mexico)",
    z
      .string()
      .trim()
      .regex(/^[1-9]\d{0,2}$/, "must be a country calling code of 1-3 digits, without +"),
    { default: "52" },
  ),
  WHATSAPP_BOOT_TIMEOUT: setting(
    "whatsapp",
    "Restart the WhatsApp client if it is not ready this long after start",
    duration(),
    {
      default: "2m",
    },
  ),
  WHATSAPP_INBOUND_GRACE: setting(
    "whatsapp",
    "Ignore messages older than the gateway's start minus this",
    duration(),
    {
      default: "2m",
    },
  ),

  // timers
  DATA_COLLECTION_TIMEOUT: setting(
    "timers",
    "Silence before nudging a customer who has not finished giving their data",
    duration(),
    {
      default: "6m",
    },
  ),
  DATA_COLLECTION_MAX_NUDGES: setting(
    "timers",
    "At most this many data-collection nudges per conversation",
    int(0, 20),
    {
      default: "2",
    },
  ),
  PROMOS_TIMEOUT: setting(
    "timers",
    "Silence after promos are offered before the default pack (1x) is ordered",
    duration(),
    {
      default: "10m",
    },
  ),
  APPROVAL_TIMEOUT: setting(
    "timers",
    "Time an order waits for a Slack decision before it expires",
    duration(),
    {
      default: "24h",
    },
  ),
  APPROVAL_REMINDER: setting(
    "timers",
    "Remind the approvals channel after this long without a decision (0s = never)",
    duration(),
    {
      default: "4h",
    },
  ),

  // business
  BUSINESS_TIMEZONE: setting("business", "Time zone of the business hours", timezone(), {
    default: "America/Mexico_City",
  }),
  BUSINESS_HOURS: setting(
    "business",
    "Opening hours for proactive messages, HH:MM-HH:MM (00:00-24:00 = always)",
    businessHours(),
    { default: "09:00-19:00" },
  ),
  BUSINESS_DAYS: setting("business", "Opening days, e.g. mon-fri, mon-sat, mon,wed,fri", businessDays(), {
    default: "mon-sat",
  }),

  // automations
  AUTOMATION_MAX_CASCADE_DEPTH: setting(
    "automations",
    "How deep automations may trigger each other before the chain is stopped",
    int(0, 10),
    { default: "3" },
  ),

  // sandbox: the standalone local Inngest engine (`npm run engine`; its flags override these)
  INNGEST_ENGINE_PORT: setting(
    "sandbox",
    "Port of the standalone local Inngest engine (npm run engine)",
    port(),
    {
      default: "8288",
    },
  ),
  INNGEST_ENGINE_HOST: setting(
    "sandbox",
    "Interface the standalone local Inngest engine listens on",
    text(),
    { default: "127.0.0.1" },
  ),
  INNGEST_ENGINE_DATA_DIR: optional(
    "sandbox",
    "Where the standalone local Inngest engine keeps its embedded MongoDB when MONGODB_URI is unset; unset = <SANDBOX_DATA_DIR>/engine",
    text(),
  ),
} as const;

export type SettingName = keyof typeof settings;
type Parsed = { [K in SettingName]: z.output<(typeof settings)[K]["schema"]> };

/** Names of the variables whose values must never be printed. */
export const secretSettings: readonly SettingName[] = (Object.keys(settings) as SettingName[]).filter(
  (name) => settings[name].secret,
);

// ---- the config object the product uses ----

export type NodeEnv = Parsed["NODE_ENV"];
export type LogLevel = Parsed["LOG_LEVEL"];

export interface Config {
  nodeEnv: NodeEnv;
  isProduction: boolean;
  log: { level: LogLevel };
  mongo: { uri: string | undefined; db: string; sandboxDataDir: string };
  inngest: {
    /** dev: local engine/dev server, no request signatures; cloud: Inngest Cloud or self-hosted, signed. */
    mode: "dev" | "cloud";
    /** Always set in dev mode; in cloud mode undefined means Inngest Cloud. */
    baseUrl: string | undefined;
    eventKey: string | undefined;
    signingKey: string | undefined;
    signingKeyFallback: string | undefined;
    appIdPrefix: string;
    serveOrigin: string | undefined;
  };
  http: { webPort: number; workerPort: number; sandboxPort: number };
  slack: {
    botToken: string | undefined;
    signingSecret: string | undefined;
    approvalsChannel: string;
    adminUserIds: string[];
    /** May decide orders (admins may too). */
    approverUserIds: string[];
    apiUrl: string | undefined;
  };
  anthropic: { apiKey: string | undefined; baseUrl: string | undefined; model: string; maxTokens: number };
  agent: {
    historyWindow: number;
    dailyCostCapUsd: number;
    debounceMs: number;
    modeTransitionDelayMs: number;
  };
  whatsapp: {
    accountId: string;
    transport: "sandbox" | "wwebjs";
    chromiumPath: string;
    authDir: string;
    adminToken: string | undefined;
    allowGroups: boolean;
    optOutKeywords: string[];
    optInKeywords: string[];
    proactivePerMinute: number;
    accountPerMinute: number;
    defaultCountryCode: string;
    bootTimeoutMs: number;
    inboundGraceMs: number;
  };
  timers: {
    dataCollectionTimeoutMs: number;
    dataCollectionMaxNudges: number;
    promosTimeoutMs: number;
    approvalTimeoutMs: number;
    /** 0 = no reminder. */
    approvalReminderMs: number;
  };
  business: { timezone: string; hours: BusinessHours; days: number[] };
  automations: { maxCascadeDepth: number };
  /** The standalone local Inngest engine (sandbox only). */
  engine: { port: number; host: string; dataDir: string };
}

export const DEFAULT_DEV_INNGEST_URL = "http://127.0.0.1:8288";

const envSchema = z
  .object(
    Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, s.schema])) as {
      [K in SettingName]: (typeof settings)[K]["schema"];
    },
  )
  // Cross-variable rules. `when` makes them run even when single variables failed, so that one error
  // lists everything; values of variables that failed are then raw strings, hence the loose reading.
  .superRefine(
    (parsed, ctx) => {
      const v = parsed as Record<string, unknown>;
      const production = v.NODE_ENV === "production";
      const devMode = v.INNGEST_DEV === undefined ? !production : v.INNGEST_DEV !== false;
      const missing = (name: SettingName) => v[name] === undefined;
      if (production && devMode) {
        ctx.addIssue({
          code: "custom",
          path: ["INNGEST_DEV"],
          message: "dev mode turns off request signature checks and is not allowed with NODE_ENV=production",
        });
      }
      if (!devMode || production) {
        const why = production
          ? "required with NODE_ENV=production"
          : "required in cloud mode (INNGEST_DEV=0)";
        if (missing("INNGEST_SIGNING_KEY"))
          ctx.addIssue({ code: "custom", path: ["INNGEST_SIGNING_KEY"], message: why });
        if (missing("INNGEST_EVENT_KEY"))
          ctx.addIssue({ code: "custom", path: ["INNGEST_EVENT_KEY"], message: why });
      }
      if (production && missing("MONGODB_URI")) {
        ctx.addIssue({
          code: "custom",
          path: ["MONGODB_URI"],
          message: "required with NODE_ENV=production (the embedded server is a development stand-in)",
        });
      }
      if (!missing("INNGEST_SIGNING_KEY_FALLBACK") && missing("INNGEST_SIGNING_KEY")) {
        ctx.addIssue({
          code: "custom",
          path: ["INNGEST_SIGNING_KEY_FALLBACK"],
          message: "set only together with INNGEST_SIGNING_KEY",
        });
      }
    },
    { when: () => true },
  );

function toConfig(v: Parsed): Config {
  const production = v.NODE_ENV === "production";
  const dev = v.INNGEST_DEV === undefined ? !production : v.INNGEST_DEV !== false;
  const devUrl = typeof v.INNGEST_DEV === "string" ? v.INNGEST_DEV : undefined;
  return {
    nodeEnv: v.NODE_ENV,
    isProduction: production,
    log: { level: v.LOG_LEVEL },
    mongo: { uri: v.MONGODB_URI, db: v.MONGODB_DB, sandboxDataDir: v.SANDBOX_DATA_DIR },
    inngest: {
      mode: dev ? "dev" : "cloud",
      baseUrl: dev ? (v.INNGEST_BASE_URL ?? devUrl ?? DEFAULT_DEV_INNGEST_URL) : v.INNGEST_BASE_URL,
      eventKey: v.INNGEST_EVENT_KEY,
      signingKey: v.INNGEST_SIGNING_KEY,
      signingKeyFallback: v.INNGEST_SIGNING_KEY_FALLBACK,
      appIdPrefix: v.INNGEST_APP_ID,
      serveOrigin: v.INNGEST_SERVE_ORIGIN,
    },
    http: { webPort: v.PORT, workerPort: v.WORKER_PORT, sandboxPort: v.SANDBOX_PORT },
    slack: {
      botToken: v.SLACK_BOT_TOKEN,
      signingSecret: v.SLACK_SIGNING_SECRET,
      approvalsChannel: v.SLACK_APPROVALS_CHANNEL,
      adminUserIds: v.SLACK_ADMIN_USER_IDS,
      approverUserIds: v.SLACK_APPROVER_USER_IDS,
      apiUrl: v.SLACK_API_URL,
    },
    anthropic: {
      apiKey: v.ANTHROPIC_API_KEY,
      baseUrl: v.ANTHROPIC_BASE_URL,
      model: v.ANTHROPIC_MODEL,
      maxTokens: v.ANTHROPIC_MAX_TOKENS,
    },
    agent: {
      historyWindow: v.AGENT_HISTORY_WINDOW,
      dailyCostCapUsd: v.AGENT_DAILY_COST_CAP_USD,
      debounceMs: v.AGENT_DEBOUNCE,
      modeTransitionDelayMs: v.AGENT_MODE_TRANSITION_DELAY,
    },
    whatsapp: {
      accountId: v.WHATSAPP_ACCOUNT_ID,
      transport: v.WHATSAPP_TRANSPORT ?? (production ? "wwebjs" : "sandbox"),
      chromiumPath: v.WHATSAPP_CHROMIUM_PATH,
      authDir: v.WHATSAPP_AUTH_DIR,
      adminToken: v.WHATSAPP_ADMIN_TOKEN,
      allowGroups: v.WHATSAPP_ALLOW_GROUPS,
      optOutKeywords: v.WHATSAPP_OPT_OUT_KEYWORDS,
      optInKeywords: v.WHATSAPP_OPT_IN_KEYWORDS,
      proactivePerMinute: v.WHATSAPP_PROACTIVE_PER_MINUTE,
      accountPerMinute: v.WHATSAPP_ACCOUNT_PER_MINUTE,
      defaultCountryCode: v.WHATSAPP_DEFAULT_COUNTRY_CODE,
      bootTimeoutMs: v.WHATSAPP_BOOT_TIMEOUT,
      inboundGraceMs: v.WHATSAPP_INBOUND_GRACE,
    },
    timers: {
      dataCollectionTimeoutMs: v.DATA_COLLECTION_TIMEOUT,
      dataCollectionMaxNudges: v.DATA_COLLECTION_MAX_NUDGES,
      promosTimeoutMs: v.PROMOS_TIMEOUT,
      approvalTimeoutMs: v.APPROVAL_TIMEOUT,
      approvalReminderMs: v.APPROVAL_REMINDER,
    },
    business: { timezone: v.BUSINESS_TIMEZONE, hours: v.BUSINESS_HOURS, days: v.BUSINESS_DAYS },
    automations: { maxCascadeDepth: v.AUTOMATION_MAX_CASCADE_DEPTH },
    engine: {
      port: v.INNGEST_ENGINE_PORT,
      host: v.INNGEST_ENGINE_HOST,
      dataDir: v.INNGEST_ENGINE_DATA_DIR ?? `${v.SANDBOX_DATA_DIR.replace(/\/+$/, "")}/engine`,
    },
  };
}

export interface ConfigProblem {
  variable: string;
  message: string;
}

/** Startup configuration is invalid. `problems` lists every bad variable; the message names them all. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(readonly problems: readonly ConfigProblem[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.variable}: ${p.message}`).join("\n"),
    );
  }
}

/** Replaces any secret value that found its way into a message (defence in depth: our messages never include values). */
function scrubSecrets(message: string, env: Env): string {
  let out = message;
  for (const name of secretSettings) {
    const value = env[name]?.trim();
    if (value && value.length >= 4) out = out.split(value).join("[redacted]");
  }
  return out;
}

/**
 * Builds the Config from an environment. Throws one ConfigError naming every bad variable.
 * Without an argument it reads `process.env` merged over `.env` in the working directory (real
 * environment variables win), so a `.env` file never overrides what the process was given.
 */
export function loadConfig(env?: Env): Config {
  const source = env ?? { ...readEnvFile(resolve(process.cwd(), ".env")), ...process.env };
  const result = envSchema.safeParse(source);
  if (result.success) return toConfig(result.data as Parsed);
  const problems = result.error.issues.map((issue) => ({
    variable: String(issue.path[0] ?? "(config)"),
    message: scrubSecrets(issue.message, source),
  }));
  // One line per variable, in the order of the settings table.
  const order = Object.keys(settings);
  const merged = new Map<string, string[]>();
  for (const p of problems) merged.set(p.variable, [...(merged.get(p.variable) ?? []), p.message]);
  throw new ConfigError(
    [...merged.entries()]
      .sort(([a], [b]) => order.indexOf(a) - order.indexOf(b))
      .map(([variable, messages]) => ({ variable, message: [...new Set(messages)].join("; ") })),
  );
}

/** Reads a dotenv file (KEY=value, # comments, quotes) with Node's own parser; a missing file is an empty env. */
export function readEnvFile(path: string): Env {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, "utf8")) as Env;
}

const REDACTED = "[redacted]";

/** A copy of the config that is safe to print: every secret is replaced by "[redacted]" (or left undefined when unset). */
export function redactConfig(config: Config): Config {
  const secret = <T>(v: T | undefined): T | string | undefined => (v === undefined ? undefined : REDACTED);
  return {
    ...config,
    mongo: { ...config.mongo, uri: config.mongo.uri === undefined ? undefined : redactUri(config.mongo.uri) },
    inngest: {
      ...config.inngest,
      eventKey: secret(config.inngest.eventKey),
      signingKey: secret(config.inngest.signingKey),
      signingKeyFallback: secret(config.inngest.signingKeyFallback),
    },
    slack: {
      ...config.slack,
      botToken: secret(config.slack.botToken),
      signingSecret: secret(config.slack.signingSecret),
    },
    anthropic: { ...config.anthropic, apiKey: secret(config.anthropic.apiKey) },
    whatsapp: { ...config.whatsapp, adminToken: secret(config.whatsapp.adminToken) },
  } as Config;
}

/** Keeps scheme and hosts of a MongoDB URI (useful to see where we connect) and hides credentials and query. */
function redactUri(uri: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/)(?:[^@/]*@)?([^/?]*)/.exec(uri);
  return m ? `${m[1]}${uri.includes("@") ? `${REDACTED}@` : ""}${m[2]}/…` : REDACTED;
}

/**
 * The text of `.env.example`, generated from the settings table so the two cannot drift (a test compares
 * them). Regenerate: npx tsx -e 'import("./shared/config.ts").then((m) => process.stdout.write(m.renderEnvExample()))' > .env.example
 */
export function renderEnvExample(): string {
  const lines = [
    "# Every setting of the sales bot, with its default. Copy to .env (or set real environment variables;",
    "# those win over .env). With no variables at all, `npm start` runs the sandbox: embedded MongoDB stand-in,",
    "# local Inngest engine, simulated WhatsApp phones and Slack workspace, offline rules brain.",
    "# An empty value means unset. Durations take a unit: 500ms, 2s, 6m, 24h, 1h30m, 7d.",
  ];
  let group: Group | undefined;
  for (const [name, s] of Object.entries(settings) as [SettingName, Setting<unknown>][]) {
    if (s.group !== group) {
      group = s.group;
      lines.push("", `# ---- ${group} ----`);
    }
    lines.push(`# ${s.doc}${s.secret ? " (secret)" : ""}`);
    lines.push(`${name}=${s.default ?? ""}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The configuration table README.md shows (a test keeps the two identical). */
export function renderConfigTable(): string {
  const rows = ["| variable | default | what it sets |", "| --- | --- | --- |"];
  for (const [name, s] of Object.entries(settings) as [SettingName, Setting<unknown>][]) {
    const doc = s.doc.replaceAll("|", "\\|") + (s.secret ? " (secret)" : "");
    rows.push(`| \`${name}\` | ${s.default ? `\`${s.default}\`` : "unset"} | ${doc} |`);
  }
  return `${rows.join("\n")}\n`;
}
