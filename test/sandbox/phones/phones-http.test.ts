import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPhonesRouter, SandboxPhones } from "../../../sandbox/phones/index.js";
import type { InboundMessage } from "../../../worker/gateway/transport.js";

let server: Server;
let base: string;
let phones: SandboxPhones;
let inbound: InboundMessage[];

beforeEach(async () => {
  phones = new SandboxPhones({ accountId: "acct-1" });
  inbound = [];
  phones.onMessage((m) => {
    inbound.push(m);
  });
  await phones.start();
  const app = express();
  app.use(createPhonesRouter(phones));
  server = app.listen(0);
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterEach(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function post(body: unknown, raw?: string): Promise<Response> {
  return fetch(`${base}/sandbox/whatsapp/messages`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ?? JSON.stringify(body),
  });
}

describe("POST /sandbox/whatsapp/messages", () => {
  it("accepts a customer message and hands it to the gateway with the account id", async () => {
    const res = await post({ from: "+5215550001", text: "hola", name: "Ana" });
    expect(res.status).toBe(202);
    const { messageId } = (await res.json()) as { messageId: string };
    expect(messageId).toMatch(/^false_5215550001@c\.us_/);
    expect(inbound).toEqual([
      {
        accountId: "acct-1",
        messageId,
        chatId: "5215550001@c.us",
        from: "+5215550001",
        name: "Ana",
        text: "hola",
        type: "text",
        truncated: false,
        timestamp: expect.any(Number),
        isGroup: false,
      },
    ]);
  });

  it("an explicit id delivers the same message twice, as WhatsApp sometimes does", async () => {
    const first = await post({ from: "+5215550001", text: "hola", id: "wamid-1" });
    const second = await post({ from: "+5215550001", text: "hola", id: "wamid-1" });
    expect(await first.json()).toEqual({ messageId: "wamid-1" });
    expect(await second.json()).toEqual({ messageId: "wamid-1" });
    expect(inbound.map((m) => m.messageId)).toEqual(["wamid-1", "wamid-1"]);
    // the phone itself shows it once
    const chat = (await (await fetch(`${base}/sandbox/whatsapp/chats/%2B5215550001`)).json()) as {
      messages: unknown[];
    };
    expect(chat.messages).toHaveLength(1);
  });

  it.each<[string, unknown, string]>([
    ["a missing from", { text: "hola" }, "from must be a string"],
    ["a from that is not E.164", { from: "5215550001", text: "hola" }, "from must be an E.164 phone number"],
    ["an empty text", { from: "+5215550001", text: "   " }, "text must not be empty"],
    ["a text that is not a string", { from: "+5215550001", text: { $gt: "" } }, "text must be a string"],
    ["a numeric name", { from: "+5215550001", text: "hola", name: 5 }, "name must be a string"],
    ["an empty id", { from: "+5215550001", text: "hola", id: "" }, "id must not be empty"],
    ["an array body", [], "body must be a JSON object"],
  ])("rejects %s with a specific 400", async (_label, body, error) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(error);
    expect(inbound).toHaveLength(0);
  });

  it("refuses an id over 200 characters with a 400: the phone shows nothing, the gateway gets nothing", async () => {
    const res = await post({ from: "+5215550001", text: "hola", id: "x".repeat(201) });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "id must be at most 200 characters" });
    expect(inbound).toEqual([]);
    expect(phones.chat("+5215550001").messages).toEqual([]);

    expect((await post({ from: "+5215550001", text: "hola", id: "y".repeat(200) })).status).toBe(202);
    expect(inbound.map((m) => m.messageId)).toEqual(["y".repeat(200)]);
  });

  it("refuses an id another phone already used with a 400, and keeps the first phone's message", async () => {
    expect((await post({ from: "+5215550001", text: "hola", id: "wamid.SHARED" })).status).toBe(202);
    const res = await post({ from: "+5215550002", text: "buenas", id: "wamid.SHARED" });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "id is already used by a message from another phone" });
    expect(inbound.map((m) => [m.from, m.text])).toEqual([["+5215550001", "hola"]]);
    expect(phones.chat("+5215550002").messages).toEqual([]);
    expect(phones.chat("+5215550001").messages.map((m) => m.text)).toEqual(["hola"]);
  });

  it("rejects a body that is not JSON", async () => {
    const res = await post(undefined, "{not json");
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: "body is not valid JSON" });
  });

  it("a text that looks like a query operator is just text", async () => {
    const res = await post({ from: "+5215550001", text: '{"$gt": ""}' });
    expect(res.status).toBe(202);
    expect(inbound[0]?.text).toBe('{"$gt": ""}');
  });

  it("a 5,000-character message reaches the gateway cut with a marker, the phone keeps it whole", async () => {
    const text = "a".repeat(5_000);
    await post({ from: "+5215550001", text });
    expect(inbound[0]?.truncated).toBe(true);
    expect(inbound[0]?.text.length).toBeLessThanOrEqual(4_096);
    const chat = (await (await fetch(`${base}/sandbox/whatsapp/chats/+5215550001`)).json()) as {
      messages: { text: string }[];
    };
    expect(chat.messages[0]?.text).toBe(text);
  });
});

describe("GET /sandbox/whatsapp/chats/:phone", () => {
  it("lists inbound and outbound messages in order", async () => {
    await post({ from: "+5215550001", text: "hola", id: "in-1" });
    const sent = await phones.send("+5215550001", "¡Hola! ¿En qué te ayudo?", "reply:in-1");
    await post({ from: "+5215550001", text: "precio", id: "in-2" });

    for (const path of ["%2B5215550001", "+5215550001", "5215550001"]) {
      const res = await fetch(`${base}/sandbox/whatsapp/chats/${path}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { phone: string; messages: Record<string, unknown>[] };
      expect(body.phone).toBe("+5215550001");
      expect(body.messages.map((m) => [m.id, m.direction, m.text])).toEqual([
        ["in-1", "in", "hola"],
        [sent.messageId, "out", "¡Hola! ¿En qué te ayudo?"],
        ["in-2", "in", "precio"],
      ]);
      for (const m of body.messages) {
        expect(Object.keys(m).sort()).toEqual(["at", "direction", "id", "text"]);
        expect(new Date(m.at as string).toISOString()).toBe(m.at);
      }
    }
  });

  it("a phone that never wrote has an empty chat; a non-number is a 400", async () => {
    const empty = await fetch(`${base}/sandbox/whatsapp/chats/%2B5215559999`);
    expect(empty.status).toBe(200);
    expect(await empty.json()).toEqual({ phone: "+5215559999", messages: [] });

    const bad = await fetch(`${base}/sandbox/whatsapp/chats/ana`);
    expect(bad.status).toBe(400);
  });
});

describe("GET /sandbox/whatsapp/chats", () => {
  it("lists every phone with its last message, most recent first", async () => {
    await post({ from: "+5215550001", text: "hola", name: "Ana", id: "a-1" });
    await post({ from: "+5215550002", text: "buenas", id: "b-1" });
    const reply = await phones.send("+5215550001", "Hola Ana", "reply:a-1");

    const res = await fetch(`${base}/sandbox/whatsapp/chats`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { chats: Record<string, unknown>[] };
    expect(body.chats).toEqual([
      {
        phone: "+5215550001",
        name: "Ana",
        lastMessage: { id: reply.messageId, direction: "out", text: "Hola Ana", at: expect.any(String) },
      },
      {
        phone: "+5215550002",
        lastMessage: { id: "b-1", direction: "in", text: "buenas", at: expect.any(String) },
      },
    ]);
  });

  it("is empty before anyone writes", async () => {
    expect(await (await fetch(`${base}/sandbox/whatsapp/chats`)).json()).toEqual({ chats: [] });
  });
});
