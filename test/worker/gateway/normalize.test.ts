import { describe, expect, it } from "vitest";
import {
  describeContent,
  inboundTypeOf,
  MAX_TEXT_CHARS,
  normalizeInbound,
  normalizeText,
  TRUNCATION_MARKER,
  type InboundRules,
  type RawWaMessage,
} from "../../../worker/gateway/normalize.js";

const START = Date.parse("2026-03-01T12:00:00Z");
const rules: InboundRules = {
  accountId: "acct",
  allowGroups: false,
  gatewayStartedAtMs: START,
  graceMs: 60_000,
};

function raw(overrides: Partial<RawWaMessage> = {}): RawWaMessage {
  return {
    id: "false_5215550001@c.us_3EB0A",
    from: "5215550001@c.us",
    fromMe: false,
    type: "chat",
    body: "hola",
    timestamp: START / 1000 + 5,
    notifyName: "Ana",
    ...overrides,
  };
}

describe("normalizeText", () => {
  it("trims surrounding whitespace", () => {
    expect(normalizeText("  hola\n")).toEqual({ text: "hola", truncated: false });
  });

  it("keeps a message of exactly the limit", () => {
    const text = "a".repeat(MAX_TEXT_CHARS);
    expect(normalizeText(text)).toEqual({ text, truncated: false });
  });

  it("cuts a 5,000-character message to the limit with a visible marker", () => {
    const { text, truncated } = normalizeText("b".repeat(5_000));
    expect(truncated).toBe(true);
    expect(text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
    expect(text.endsWith(TRUNCATION_MARKER)).toBe(true);
    expect(text.startsWith("b".repeat(4_000))).toBe(true);
  });

  it("does not split an emoji when cutting", () => {
    const limit = 20;
    const cutAt = limit - TRUNCATION_MARKER.length;
    const input = "x".repeat(cutAt - 1) + "😀" + "y".repeat(50);
    const { text } = normalizeText(input, limit);
    expect(text).toBe("x".repeat(cutAt - 1) + TRUNCATION_MARKER);
    expect(text).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/); // no lone high surrogate
  });

  it("treats text that looks like a query operator as plain text", () => {
    expect(normalizeText('{"$gt": ""}').text).toBe('{"$gt": ""}');
  });
});

describe("message content", () => {
  it.each([
    ["chat", "text"],
    ["image", "image"],
    ["ptt", "audio"],
    ["audio", "audio"],
    ["video", "video"],
    ["document", "document"],
    ["sticker", "sticker"],
    ["location", "location"],
    ["vcard", "other"],
  ])("WhatsApp type %s is %s", (waType, type) => {
    expect(inboundTypeOf(waType)).toBe(type);
  });

  it("media become a typed placeholder, with the caption appended", () => {
    expect(describeContent({ type: "image", body: "" })).toBe("[image]");
    expect(describeContent({ type: "image", body: " my order " })).toBe("[image] my order");
    expect(describeContent({ type: "ptt", body: "" })).toBe("[audio]");
    expect(describeContent({ type: "vcard", body: "" })).toBe("[contact]");
  });

  it("a location shows its coordinates and name", () => {
    expect(
      describeContent({
        type: "location",
        body: "",
        location: { latitude: 19.4, longitude: -99.1, name: "Tienda" },
      }),
    ).toBe("[location] 19.4,-99.1 Tienda");
  });
});

describe("normalizeInbound", () => {
  it("turns a customer's text into an InboundMessage", () => {
    expect(normalizeInbound(raw({ body: " hola " }), rules)).toEqual({
      accept: true,
      message: {
        accountId: "acct",
        messageId: "false_5215550001@c.us_3EB0A",
        chatId: "5215550001@c.us",
        from: "+5215550001",
        name: "Ana",
        text: "hola",
        type: "text",
        truncated: false,
        timestamp: START + 5_000,
        isGroup: false,
      },
    });
  });

  it.each<[string, Partial<RawWaMessage>, string]>([
    ["own messages", { fromMe: true }, "own"],
    ["status broadcasts", { from: "status@broadcast" }, "status"],
    ["status flag", { isStatus: true }, "status"],
    ["newsletters", { from: "1203@newsletter" }, "newsletter"],
    ["group chats", { from: "1203630@g.us", author: "5215550002@c.us" }, "group"],
    ["system notifications", { type: "e2e_notification" }, "system"],
    ["revoked messages", { type: "revoked" }, "system"],
    ["messages older than start minus grace", { timestamp: (START - 61_000) / 1000 }, "stale"],
    ["empty text", { body: "   " }, "empty"],
    ["unresolvable @lid senders", { from: "123456@lid" }, "unresolved-sender"],
  ])("ignores %s", (_label, overrides, reason) => {
    expect(normalizeInbound(raw(overrides), rules)).toEqual({ accept: false, reason });
  });

  it("accepts a message sent within the grace window before start", () => {
    expect(normalizeInbound(raw({ timestamp: (START - 59_000) / 1000 }), rules).accept).toBe(true);
  });

  it("accepts group messages when enabled, from the author", () => {
    const decision = normalizeInbound(raw({ from: "1203630@g.us", author: "5215550002@c.us" }), {
      ...rules,
      allowGroups: true,
    });
    expect(decision).toMatchObject({
      accept: true,
      message: { from: "+5215550002", chatId: "1203630@g.us", isGroup: true },
    });
  });

  it("maps @lid senders with the adapter's lookup and keeps the chat id to reply to", () => {
    const decision = normalizeInbound(raw({ from: "998877@lid" }), rules, (lid) =>
      lid === "998877@lid" ? "+5215550009" : undefined,
    );
    expect(decision).toMatchObject({ accept: true, message: { from: "+5215550009", chatId: "998877@lid" } });
  });

  it("an image becomes a placeholder and a long text is cut", () => {
    const image = normalizeInbound(raw({ type: "image", body: "precio?" }), rules);
    expect(image).toMatchObject({ accept: true, message: { type: "image", text: "[image] precio?" } });
    const long = normalizeInbound(raw({ body: "z".repeat(5_000) }), rules);
    expect(long).toMatchObject({ accept: true, message: { truncated: true } });
    if (long.accept) expect(long.message.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
  });

  it("omits the name when the push name is blank", () => {
    const decision = normalizeInbound(raw({ notifyName: " " }), rules);
    expect(decision.accept && "name" in decision.message).toBe(false);
  });

  it("refuses a message id longer than the database keeps (200), saying so; 200 is taken", () => {
    expect(normalizeInbound(raw({ id: "false_5215550001@c.us_".padEnd(201, "A") }), rules)).toEqual({
      accept: false,
      reason: "invalid",
      problems: ["messageId: messageId must be at most 200 characters"],
    });
    expect(normalizeInbound(raw({ id: "false_5215550001@c.us_".padEnd(200, "A") }), rules).accept).toBe(true);
  });

  it("refuses a timestamp that is no number instead of storing an invalid date", () => {
    expect(normalizeInbound(raw({ timestamp: Number.NaN }), rules)).toMatchObject({
      accept: false,
      reason: "invalid",
    });
  });

  it("cuts a push name longer than 200 characters rather than refusing the message", () => {
    const decision = normalizeInbound(raw({ notifyName: "N".repeat(300) }), rules);
    expect(decision.accept && decision.message.name).toBe("N".repeat(200));
  });
});
