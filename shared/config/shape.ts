// The Config object the product uses. Its shape is derived from the settings table (each value where
// its `at` says), except the few values that depend on more than one setting, which are derived here.
import type { z } from "zod";
import { settingEntries, splitPath, type settings, type SettingName } from "./settings.js";

type Table = typeof settings;
type Value<K extends SettingName> = z.output<Table[K]["schema"]>;
type At<K extends SettingName> = Table[K]["at"];

/** Every variable's parsed value, by name. */
export type ParsedEnv = { [K in SettingName]: Value<K> };

type TopLevelName = {
  [K in SettingName]: At<K> extends `${string}.${string}` | undefined ? never : K;
}[SettingName];
type Section = { [K in SettingName]: At<K> extends `${infer S}.${string}` ? S : never }[SettingName];

/** What the table alone gives: one setting's value per field. */
type FromTable = { [K in TopLevelName as At<K> & string]: Value<K> } & {
  [S in Section]: { [K in SettingName as At<K> extends `${S}.${infer F}` ? F : never]: Value<K> };
};

/** Values that depend on more than one setting; they replace (or add to) what the table gives. */
interface Derived {
  isProduction: boolean;
  inngest: {
    /** dev: local engine/dev server, no request signatures; cloud: Inngest Cloud or self-hosted, signed. */
    mode: "dev" | "cloud";
    /** Always set in dev mode; in cloud mode undefined means Inngest Cloud. */
    baseUrl: string | undefined;
  };
  /** Unset WHATSAPP_TRANSPORT follows NODE_ENV. */
  whatsapp: { transport: NonNullable<Value<"WHATSAPP_TRANSPORT">> };
  /** The standalone local Inngest engine (sandbox only); unset data dir = under SANDBOX_DATA_DIR. */
  engine: { dataDir: string };
}

type Flat<T> = { [K in keyof T]: T[K] };

export type Config = Flat<
  Omit<FromTable, keyof Derived> & {
    [K in keyof Derived]: K extends keyof FromTable
      ? Flat<Omit<FromTable[K], keyof Derived[K]> & Derived[K]>
      : Derived[K];
  }
>;

export type NodeEnv = Config["nodeEnv"];
export type LogLevel = Config["log"]["level"];

export const DEFAULT_DEV_INNGEST_URL = "http://127.0.0.1:8288";

/** Dev mode unless INNGEST_DEV says otherwise, and production defaults to cloud mode. */
export function isInngestDevMode(nodeEnv: unknown, inngestDev: unknown): boolean {
  return inngestDev === undefined ? nodeEnv !== "production" : inngestDev !== false;
}

/** Puts every value where its setting's `at` says. */
function placeValues(v: ParsedEnv): FromTable {
  const placed: Record<string, unknown> = {};
  for (const [name, s] of settingEntries) {
    if (s.at === undefined) continue;
    const { section, field } = splitPath(s.at);
    const holder = section === undefined ? placed : ((placed[section] ??= {}) as Record<string, unknown>);
    holder[field] = v[name];
  }
  return placed as FromTable;
}

export function toConfig(v: ParsedEnv): Config {
  const table = placeValues(v);
  const production = v.NODE_ENV === "production";
  const dev = isInngestDevMode(v.NODE_ENV, v.INNGEST_DEV);
  const devUrl = typeof v.INNGEST_DEV === "string" ? v.INNGEST_DEV : undefined;
  return {
    ...table,
    isProduction: production,
    inngest: {
      ...table.inngest,
      mode: dev ? "dev" : "cloud",
      baseUrl: dev ? (v.INNGEST_BASE_URL ?? devUrl ?? DEFAULT_DEV_INNGEST_URL) : v.INNGEST_BASE_URL,
    },
    whatsapp: { ...table.whatsapp, transport: v.WHATSAPP_TRANSPORT ?? (production ? "wwebjs" : "sandbox") },
    engine: {
      ...table.engine,
      dataDir: v.INNGEST_ENGINE_DATA_DIR ?? `${v.SANDBOX_DATA_DIR.replace(/\/+$/, "")}/engine`,
    },
  };
}
