// Logging: pino, level from config. Secrets never reach a log line; phone numbers are masked
// ("+52*******01") wherever they appear as a field and wherever they appear inside a message string.
import { pino } from "pino";
import type { DestinationStream, Logger } from "pino";
import { REDACTED, secretConfigFields, secretSettings, type Config } from "./config/index.js";

export type { Logger };

/** Field names whose values are phone numbers or WhatsApp ids: masked, not removed, so logs stay useful. */
const PHONE_KEYS = ["phone", "to", "from", "jid", "chatId", "author", "wid"];
/**
 * Field names whose values are secrets or credentials: replaced entirely. The settings table's secrets
 * (by variable name and by Config field name), plus credentials that are no setting (HTTP headers, ...).
 */
const SECRET_KEYS = [
  ...new Set([
    ...secretSettings,
    ...secretConfigFields,
    "token",
    "accessToken",
    "secret",
    "password",
    "authorization",
    "Authorization",
    "cookie",
    "mongoUri",
    "x-inngest-signature",
    "x-slack-signature",
  ]),
];

/** Paths for keys at the top level and up to three levels deep (pino's redaction needs explicit depths). */
function atAnyDepth(keys: readonly string[]): string[] {
  const paths: string[] = [];
  for (const key of keys) {
    const k = /^[A-Za-z_$][\w$]*$/.test(key) ? key : `["${key}"]`;
    const join = (prefix: string) => (k.startsWith("[") ? `${prefix}${k}` : `${prefix}.${k}`);
    paths.push(k, join("*"), join("*.*"), join("*.*.*"));
  }
  return paths;
}

export { REDACTED };

const PHONE_PATHS = new Set(atAnyDepth(PHONE_KEYS));

/**
 * "+5215550001" → "+52*******01". Keeps the country code's first digits and the last two (enough to tell
 * customers apart in a log), hides the rest with a fixed-width mask (so the length is not revealed either).
 * Works on WhatsApp jids too ("5215550001@c.us" → "52*******01@c.us").
 */
export function maskPhone(value: string): string {
  const m = /^(\+?)(\d+)(@.*)?$/.exec(value.trim());
  if (!m) return REDACTED;
  const [, plus = "", digits = "", suffix = ""] = m;
  if (digits.length < 5) return `${plus}*******${suffix}`;
  return `${plus}${digits.slice(0, 2)}*******${digits.slice(-2)}${suffix}`;
}

/** Masks phone numbers inside free text: "+5215550001" and "5215550001@c.us"-style ids. */
export function scrubPhones(text: string): string {
  return text
    .replace(/\+\d{8,15}\b/g, (phone) => maskPhone(phone))
    .replace(/\b\d{8,15}(?::\d+)?@(?:c\.us|s\.whatsapp\.net|lid)\b/g, (jid) =>
      maskPhone(jid.replace(/:\d+@/, "@")),
    );
}

function censor(value: unknown, path: string[]): unknown {
  const last = path.at(-1) ?? "";
  if (PHONE_KEYS.includes(last)) {
    // `from`/`to` also name non-phone things (mode changes: from "greeting" to "promos"): mask only what has
    // enough digits to be a number; anything else that is not a plain string is dropped.
    if (typeof value !== "string") return REDACTED;
    const digits = value.replace(/\D/g, "");
    if (digits.length < 7) return value;
    const at = value.indexOf("@");
    return maskPhone(`${value.trim().startsWith("+") ? "+" : ""}${digits}${at >= 0 ? value.slice(at) : ""}`);
  }
  return REDACTED;
}

export interface LoggerOptions {
  /** Bindings on every line, e.g. { side: "worker", accountId }. */
  base?: Record<string, unknown>;
  /** Where lines go (tests capture them); default stdout. */
  destination?: DestinationStream;
}

/** The product's logger. Level from config (LOG_LEVEL); redaction is always on. */
export function createLogger(config: Pick<Config, "log">, options: LoggerOptions = {}): Logger {
  const paths = [...atAnyDepth(SECRET_KEYS), ...PHONE_PATHS];
  return pino(
    {
      level: config.log.level,
      base: options.base ?? {},
      redact: { paths, censor },
      hooks: {
        // Phones inside message strings ("sent to +5215550001") are masked too.
        logMethod(args, method) {
          const scrubbed = args.map((a) => (typeof a === "string" ? scrubPhones(a) : a)) as typeof args;
          return method.apply(this, scrubbed);
        },
      },
      serializers: {
        // Error messages and stacks can carry phones as well (e.g. "no chat for 5215550001@c.us").
        err: (err: Error) => {
          const out = pino.stdSerializers.err(err);
          return {
            ...out,
            message: scrubPhones(out.message),
            ...(out.stack ? { stack: scrubPhones(out.stack) } : {}),
          };
        },
      },
    },
    options.destination,
  );
}
