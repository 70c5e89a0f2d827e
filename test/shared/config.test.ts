import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  ConfigError,
  loadConfig,
  parseDuration,
  readEnvFile,
  redactConfig,
  renderConfigTable,
  renderEnvExample,
  secretSettings,
  settings,
} from "../../shared/config/index.js";

const CLOUD_KEYS = {
  INNGEST_EVENT_KEY: "event-key-123",
  INNGEST_SIGNING_KEY: "signkey-prod-0123456789abcdef",
  INNGEST_SERVE_ORIGIN: "https://bot.example.com",
};

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error("expected loadConfig to throw");
}

describe("loadConfig defaults (the sandbox needs no variables)", () => {
  it("builds a complete config from an empty environment", () => {
    const config = loadConfig({});
    expect(config.nodeEnv).toBe("development");
    expect(config.mongo).toEqual({ uri: undefined, db: "salesbot", sandboxDataDir: ".data" });
    expect(config.inngest.mode).toBe("dev");
    expect(config.inngest.baseUrl).toBe("http://127.0.0.1:8288");
    expect(config.whatsapp.accountId).toBe("default");
    expect(config.whatsapp.transport).toBe("sandbox");
    expect(config.whatsapp.optOutKeywords).toEqual(["STOP", "BAJA", "UNSUBSCRIBE"]);
    expect(config.whatsapp.optInKeywords).toEqual(["START"]);
    expect(config.whatsapp.proactivePerMinute).toBe(10);
    expect(config.anthropic.apiKey).toBeUndefined();
    expect(config.agent.debounceMs).toBe(2_000);
    expect(config.timers).toEqual({
      dataCollectionTimeoutMs: 6 * 60_000,
      dataCollectionMaxNudges: 2,
      promosTimeoutMs: 10 * 60_000,
      approvalTimeoutMs: 24 * 3_600_000,
      approvalReminderMs: 4 * 3_600_000,
    });
    expect(config.business.hours).toEqual({ openMinute: 9 * 60, closeMinute: 19 * 60 });
    expect(config.business.days).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("puts each setting at a place of its own in the config", () => {
    const places = Object.values(settings).flatMap((s) => (s.at === undefined ? [] : [s.at]));
    expect(new Set(places).size).toBe(places.length);
    const config = loadConfig({ INNGEST_SIGNING_KEY_FALLBACK: "abcd", INNGEST_SIGNING_KEY: "abcd" });
    for (const place of places) {
      const [section, field] = place.split(".");
      const holder = (field === undefined ? config : config[section as keyof typeof config]) as object;
      expect(Object.keys(holder), place).toContain(field ?? section);
    }
  });

  it("treats an empty value (VAR=) as unset", () => {
    const config = loadConfig({ MONGODB_DB: "", ANTHROPIC_API_KEY: "", PROMOS_TIMEOUT: "" });
    expect(config.mongo.db).toBe("salesbot");
    expect(config.anthropic.apiKey).toBeUndefined();
    expect(config.timers.promosTimeoutMs).toBe(600_000);
  });

  it("reads values, lists and switches", () => {
    const config = loadConfig({
      SLACK_ADMIN_USER_IDS: " U1, U2 ,,U3",
      WHATSAPP_OPT_OUT_KEYWORDS: "stop,Alto",
      WHATSAPP_ALLOW_GROUPS: "yes",
      BUSINESS_DAYS: "fri-mon",
      BUSINESS_HOURS: "00:00-24:00",
      AGENT_DAILY_COST_CAP_USD: "1.25",
      INNGEST_BASE_URL: "http://127.0.0.1:9999/",
    });
    expect(config.slack.adminUserIds).toEqual(["U1", "U2", "U3"]);
    expect(config.whatsapp.optOutKeywords).toEqual(["STOP", "ALTO"]);
    expect(config.whatsapp.allowGroups).toBe(true);
    expect(config.business.days).toEqual([0, 1, 5, 6]);
    expect(config.business.hours).toEqual({ openMinute: 0, closeMinute: 1_440 });
    expect(config.agent.dailyCostCapUsd).toBe(1.25);
    expect(config.inngest.baseUrl).toBe("http://127.0.0.1:9999");
  });
});

describe("Inngest modes", () => {
  it("INNGEST_DEV=<url> is dev mode against that URL", () => {
    const config = loadConfig({ INNGEST_DEV: "http://localhost:8300" });
    expect(config.inngest).toMatchObject({ mode: "dev", baseUrl: "http://localhost:8300" });
  });

  it("INNGEST_DEV=0 is cloud mode and needs both keys and the public origin", () => {
    const error = configError({ INNGEST_DEV: "0" });
    expect(error.problems.map((p) => p.variable)).toEqual([
      "INNGEST_EVENT_KEY",
      "INNGEST_SIGNING_KEY",
      "INNGEST_SERVE_ORIGIN",
    ]);
    expect(error.message).toMatch(
      /INNGEST_SERVE_ORIGIN: required in cloud mode .*the only URL a sync registers/,
    );
    const config = loadConfig({ INNGEST_DEV: "0", ...CLOUD_KEYS, INNGEST_BASE_URL: "http://inngest:8288" });
    expect(config.inngest).toMatchObject({ mode: "cloud", baseUrl: "http://inngest:8288" });
    expect(loadConfig({ INNGEST_DEV: "false", ...CLOUD_KEYS }).inngest.baseUrl).toBeUndefined();
  });

  it("production defaults to cloud mode and requires the Inngest keys, the public origin and a real MongoDB", () => {
    const error = configError({ NODE_ENV: "production" });
    expect(error.problems.map((p) => p.variable)).toEqual([
      "MONGODB_URI",
      "INNGEST_EVENT_KEY",
      "INNGEST_SIGNING_KEY",
      "INNGEST_SERVE_ORIGIN",
    ]);
    expect(error.message).toMatch(/INNGEST_SERVE_ORIGIN: required with NODE_ENV=production/);
    const config = loadConfig({ NODE_ENV: "production", MONGODB_URI: "mongodb://db:27017", ...CLOUD_KEYS });
    expect(config.inngest.mode).toBe("cloud");
    expect(config.whatsapp.transport).toBe("wwebjs");
  });

  it("INNGEST_SERVE_ORIGIN is an origin, without a path", () => {
    expect(loadConfig({ INNGEST_SERVE_ORIGIN: "https://bot.example.com/" }).inngest.serveOrigin).toBe(
      "https://bot.example.com",
    );
    const error = configError({ INNGEST_SERVE_ORIGIN: "https://bot.example.com/api/inngest" });
    expect(error.message).toMatch(/INNGEST_SERVE_ORIGIN: must be an origin only/);
  });

  it("production refuses dev mode (no signature checks)", () => {
    const error = configError({
      NODE_ENV: "production",
      INNGEST_DEV: "1",
      MONGODB_URI: "mongodb://db",
      ...CLOUD_KEYS,
    });
    expect(error.problems.map((p) => p.variable)).toEqual(["INNGEST_DEV"]);
  });
});

describe("ConfigError", () => {
  it("names every bad variable, and why, in one error", () => {
    const error = configError({
      PORT: "http",
      AGENT_DEBOUNCE: "10",
      WHATSAPP_TRANSPORT: "telegram",
      BUSINESS_HOURS: "19:00-09:00",
      WHATSAPP_ACCOUNT_ID: "Main Account",
      LOG_LEVEL: "loud",
    });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(
      [
        "AGENT_DEBOUNCE",
        "BUSINESS_HOURS",
        "LOG_LEVEL",
        "PORT",
        "WHATSAPP_ACCOUNT_ID",
        "WHATSAPP_TRANSPORT",
      ].sort(),
    );
    for (const p of error.problems) expect(error.message).toContain(`${p.variable}: ${p.message}`);
    expect(error.message).toMatch(/AGENT_DEBOUNCE: must be a duration with a unit/);
    expect(error.message).toMatch(/WHATSAPP_TRANSPORT: must be one of: sandbox, wwebjs/);
    expect(error.message).toMatch(/PORT: must be a whole number/);
  });

  it("never echoes a secret's value", () => {
    const secrets = {
      INNGEST_SIGNING_KEY: "not-hex-but-SECRET-zz9",
      INNGEST_SIGNING_KEY_FALLBACK: "signkey-prod-abc", // odd length: invalid
      MONGODB_URI: "postgres://admin:hunter2@db/x",
      WHATSAPP_ADMIN_TOKEN: "short-pw",
    };
    const error = configError({ ...secrets, INNGEST_DEV: "0" });
    expect(error.problems.map((p) => p.variable).sort()).toEqual(
      [
        "INNGEST_EVENT_KEY",
        "INNGEST_SIGNING_KEY",
        "INNGEST_SIGNING_KEY_FALLBACK",
        "INNGEST_SERVE_ORIGIN",
        "MONGODB_URI",
        "WHATSAPP_ADMIN_TOKEN",
      ].sort(),
    );
    for (const value of Object.values(secrets)) expect(error.message).not.toContain(value);
    expect(error.message).not.toContain("hunter2");
  });
});

describe("parseDuration", () => {
  it.each([
    ["2s", 2_000],
    ["6m", 360_000],
    ["24h", 86_400_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["250ms", 250],
    ["7d", 604_800_000],
    ["0s", 0],
    [" 10M ", 600_000],
  ])("%s → %i ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(["10", "", "m", "6 minutes", "-5m", "5x", "1h-30m"])("refuses %j", (text) => {
    expect(parseDuration(text)).toBeUndefined();
  });
});

describe("redactConfig", () => {
  it("hides every secret but keeps what is useful to see", () => {
    const env = {
      MONGODB_URI: "mongodb://app:hunter2@db1:27017,db2:27017/sales?replicaSet=rs0",
      SLACK_BOT_TOKEN: "xoxb-secret-token",
      SLACK_SIGNING_SECRET: "slack-signing-secret",
      ANTHROPIC_API_KEY: "sk-ant-secret",
      WHATSAPP_ADMIN_TOKEN: "admin-token-1234567890",
      INNGEST_DEV: "0",
      INNGEST_EVENT_KEY: "event-key-secret",
      INNGEST_SIGNING_KEY: "signkey-prod-aaaabbbbccccdddd",
      INNGEST_SIGNING_KEY_FALLBACK: "signkey-prod-eeeeffff",
      INNGEST_SERVE_ORIGIN: "https://bot.example.com",
    };
    const printed = JSON.stringify(redactConfig(loadConfig(env)));
    for (const name of secretSettings) {
      const value = env[name as keyof typeof env];
      if (value) expect(printed).not.toContain(value);
    }
    expect(printed).not.toContain("hunter2");
    expect(printed).toContain("db1:27017,db2:27017");
    expect(printed).toContain("[redacted]");
  });
});

describe(".env handling", () => {
  it("reads a dotenv file with Node's parser (comments, quotes, empty values)", () => {
    const dir = mkdtempSync(join(tmpdir(), "cfg-"));
    const file = join(dir, ".env");
    writeFileSync(
      file,
      '# comment\nMONGODB_DB=shop\nSLACK_APPROVALS_CHANNEL="sales approvals"\nANTHROPIC_API_KEY=\n',
    );
    const env = readEnvFile(file);
    expect(env).toEqual({
      MONGODB_DB: "shop",
      SLACK_APPROVALS_CHANNEL: "sales approvals",
      ANTHROPIC_API_KEY: "",
    });
    const config = loadConfig(env);
    expect(config.mongo.db).toBe("shop");
    expect(config.slack.approvalsChannel).toBe("sales approvals");
    expect(readEnvFile(join(dir, "missing.env"))).toEqual({});
  });

  it("README.md's configuration table lists every variable as config defines it", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const begin = "<!-- config-table:begin -->\n";
    const table = readme.slice(
      readme.indexOf(begin) + begin.length,
      readme.indexOf("<!-- config-table:end -->"),
    );
    expect(readme).toContain(begin);
    // Prettier pads the cells; compare cell by cell.
    const cells = (md: string) =>
      md
        .trim()
        .split("\n")
        .map((row) => row.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/^-+$/, "---")));
    expect(cells(table)).toEqual(cells(renderConfigTable()));
  });

  it(".env.example lists every variable with its default, and only those", () => {
    const text = readFileSync(new URL("../../.env.example", import.meta.url), "utf8");
    const assignments = text
      .split("\n")
      .filter((line) => /^[A-Z][A-Z0-9_]*=/.test(line))
      .map((line) => line.slice(0, line.indexOf("=")));
    expect(assignments.sort()).toEqual(Object.keys(settings).sort());
    expect(text).toBe(renderEnvExample());
    // Every variable has a one-line comment right above it.
    const lines = text.split("\n");
    for (const name of Object.keys(settings)) {
      const at = lines.findIndex((l) => l.startsWith(`${name}=`));
      expect(lines[at - 1], name).toMatch(/^# \S/);
    }
    // and the example itself loads (as the sandbox).
    expect(() =>
      loadConfig(readEnvFile(new URL("../../.env.example", import.meta.url).pathname)),
    ).not.toThrow();
  });
});
