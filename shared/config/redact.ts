// Redaction: which settings are secrets (`secret: true` in the table, nowhere else), and a copy of
// the config that is safe to print. The logger redacts fields by the same names.
import type { Config } from "./shape.js";
import { settingEntries, splitPath, type SettingName } from "./settings.js";

export const REDACTED = "[redacted]";

const secretEntries = settingEntries.filter(([, s]) => s.secret);

/** Names of the variables whose values must never be printed. */
export const secretSettings: readonly SettingName[] = secretEntries.map(([name]) => name);

/** Names of the Config fields that hold those values ("uri", "botToken", ...). */
export const secretConfigFields: readonly string[] = [
  ...new Set(secretEntries.flatMap(([, s]) => (s.at === undefined ? [] : [splitPath(s.at).field]))),
];

/** Keeps scheme and hosts of a MongoDB URI (useful to see where we connect) and hides credentials and query. */
function redactMongoUri(uri: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/)(?:[^@/]*@)?([^/?]*)/.exec(uri);
  return m ? `${m[1]}${uri.includes("@") ? `${REDACTED}@` : ""}${m[2]}/…` : REDACTED;
}

/** Secrets printed in part: what is useful to see and grants no access. The rest are hidden whole. */
const PARTLY_SHOWN: Partial<Record<SettingName, (value: string) => string>> = { MONGODB_URI: redactMongoUri };

/** A copy of the config that is safe to print: every secret is replaced by "[redacted]" (or left undefined when unset). */
export function redactConfig(config: Config): Config {
  const copy: Record<string, unknown> = { ...config };
  for (const [name, s] of secretEntries) {
    if (s.at === undefined) continue;
    const { section, field } = splitPath(s.at);
    const holder =
      section === undefined
        ? copy
        : (copy[section] = { ...(copy[section] as Record<string, unknown>) } as Record<string, unknown>);
    const value = holder[field];
    if (value !== undefined) holder[field] = PARTLY_SHOWN[name]?.(String(value)) ?? REDACTED;
  }
  return copy as Config;
}
