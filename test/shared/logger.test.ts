import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { loadConfig, secretSettings } from "../../shared/config/index.js";
import { createLogger, maskPhone, scrubPhones } from "../../shared/logger.js";

function capture(level: "info" | "debug" | "warn" = "info") {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = createLogger({ log: { level } }, { destination });
  return { logger, output: () => lines.join("") };
}

describe("maskPhone", () => {
  it("keeps the first two and last two digits", () => {
    expect(maskPhone("+5215550001")).toBe("+52*******01");
    expect(maskPhone("+14155552671")).toBe("+14*******71");
    expect(maskPhone("5215550001@c.us")).toBe("52*******01@c.us");
    expect(maskPhone("not a phone")).toBe("[redacted]");
  });

  it("masks phones inside text without touching other numbers", () => {
    expect(scrubPhones("sent to +5215550001 at 1732233445566")).toBe("sent to +52*******01 at 1732233445566");
    expect(scrubPhones("no chat 5215550001@c.us")).toBe("no chat 52*******01@c.us");
  });
});

describe("createLogger", () => {
  it("masks phone fields and message text, and redacts secrets at any depth", () => {
    const { logger, output } = capture();
    logger.info(
      {
        phone: "+5215550001",
        event: { data: { to: "+5215550002", from: "greeting" } },
        config: { slack: { botToken: "xoxb-very-secret" }, inngest: { signingKey: "signkey-prod-abcd" } },
        headers: { authorization: "Bearer abc.def", "x-inngest-signature": "t=1&s=deadbeef" },
        apiKey: "sk-ant-xyz",
      },
      "reply sent to +5215550001",
    );
    const out = output();
    for (const secret of [
      "5215550001",
      "5215550002",
      "xoxb-very-secret",
      "signkey-prod-abcd",
      "Bearer abc.def",
      "deadbeef",
      "sk-ant-xyz",
    ]) {
      expect(out).not.toContain(secret);
    }
    const line = JSON.parse(out);
    expect(line.phone).toBe("+52*******01");
    expect(line.event.data.to).toBe("+52*******02");
    expect(line.event.data.from).toBe("greeting");
    expect(line.msg).toBe("reply sent to +52*******01");
    expect(line.config.slack.botToken).toBe("[redacted]");
  });

  it("redacts every secret setting, logged by its variable name or inside the config", () => {
    const env = {
      MONGODB_URI: "mongodb://app:hunter2@db1:27017/sales",
      INNGEST_DEV: "0",
      INNGEST_EVENT_KEY: "event-key-secret",
      INNGEST_SIGNING_KEY: "signkey-prod-aaaabbbb",
      INNGEST_SIGNING_KEY_FALLBACK: "signkey-prod-ccccdddd",
      SLACK_BOT_TOKEN: "xoxb-secret-token",
      SLACK_SIGNING_SECRET: "slack-signing-secret",
      ANTHROPIC_API_KEY: "sk-ant-secret",
      WHATSAPP_ADMIN_TOKEN: "admin-token-1234567890",
      AUTOMATION_WEBHOOK_SECRET: "webhook-hmac-secret",
      INNGEST_SERVE_ORIGIN: "https://bot.example.com",
    };
    // Every secret of the settings table is here (a new one fails this line until it is added).
    expect(
      Object.keys(env)
        .filter((name) => name !== "INNGEST_DEV" && name !== "INNGEST_SERVE_ORIGIN")
        .sort(),
    ).toEqual([...secretSettings].sort());
    const { logger, output } = capture();
    logger.info({ env, config: loadConfig(env) }, "starting");
    for (const name of secretSettings) expect(output()).not.toContain(env[name as keyof typeof env]);
  });

  it("masks phones in error messages and stacks", () => {
    const { logger, output } = capture();
    logger.error({ err: new Error("no chat for 5215550001@c.us") }, "send failed");
    const line = JSON.parse(output());
    expect(output()).not.toContain("5215550001");
    expect(line.err.message).toBe("no chat for 52*******01@c.us");
  });

  it("honours the configured level", () => {
    const { logger, output } = capture("warn");
    logger.info("hidden");
    logger.warn("shown");
    expect(output()).not.toContain("hidden");
    expect(output()).toContain("shown");
  });
});
