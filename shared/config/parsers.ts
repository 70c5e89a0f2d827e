// The value parsers of the settings table: each reads one variable's text into the value the product
// uses. Their messages say what is expected and never include the value (it may be a secret).
import { z } from "zod";
import { accountIdSchema } from "../domain/account-id.js";
import { parseDuration } from "../duration.js";

export const text = () => z.string().trim().min(1, "must not be blank");

export const duration = () =>
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

export const int = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^-?\d+$/, "must be a whole number")
    .transform(Number)
    .pipe(z.number().int().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

export const decimal = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, "must be a number like 2 or 2.50")
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));

const TRUE = new Set(["1", "true", "yes", "on"]);
const FALSE = new Set(["0", "false", "no", "off"]);
export const bool = () =>
  z.string().transform((raw, ctx) => {
    const v = raw.trim().toLowerCase();
    if (TRUE.has(v)) return true;
    if (FALSE.has(v)) return false;
    ctx.addIssue({ code: "custom", message: "must be true or false (also 1/0, yes/no, on/off)" });
    return z.NEVER;
  });

export const list = () =>
  z.string().transform((raw) =>
    raw
      .split(",")
      .map((item) => item.trim())
      .filter((item) => item.length > 0),
  );

export const keywords = () => list().transform((items) => items.map((k) => k.toUpperCase()));

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(values, { error: () => `must be one of: ${values.join(", ")}` }));

export const httpUrl = () =>
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

export const mongoUri = () =>
  z
    .string()
    .trim()
    .regex(/^mongodb(\+srv)?:\/\/\S+$/, "must be a mongodb:// or mongodb+srv:// URI");

export const port = () => int(0, 65_535);

// Inngest signing keys: Cloud keys look like `signkey-prod-<hex>`, self-hosted keys are plain even-length hex.
export const signingKey = () =>
  z
    .string()
    .trim()
    .refine(
      (raw) => /^(signkey-[a-z]+-)?([0-9a-f]{2})+$/i.test(raw),
      "must be an even-length hex string, optionally prefixed signkey-<env>- (as Inngest issues them)",
    );

// INNGEST_DEV: "1"/"true" = dev mode on the default local URL, a URL = dev mode against that URL, "0"/"false" = cloud.
export const inngestDev = () =>
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

export const accountId = () => z.string().trim().pipe(accountIdSchema);

export const appIdPrefix = () =>
  z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be 1-40 lowercase letters, digits or dashes");

export const timezone = () =>
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

export const businessHours = () =>
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

/** "HH:MM", a time of day (24h) → minutes after midnight. */
export const timeOfDay = () =>
  z.string().transform((raw, ctx): number => {
    const m = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
    const minute = m ? Number(m[1]) * 60 + Number(m[2]) : NaN;
    if (!m || Number(m[1]) > 23 || Number(m[2]) > 59) {
      ctx.addIssue({ code: "custom", message: 'must be a time of day "HH:MM", e.g. 09:00' });
      return z.NEVER;
    }
    return minute;
  });

const DAY_NAMES = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;

/** "mon-fri", "mon-sat", "mon,wed,fri", "sat-sun" → sorted day numbers, 0 = Sunday (as Date#getDay). */
export const businessDays = () =>
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
