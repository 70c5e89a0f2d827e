import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../shared/config/index.js";
import { orderDecided } from "../../shared/events.js";
import {
  accountCondition,
  createInngestClient,
  registeredFunctionId,
  slackAppId,
  workerAppId,
} from "../../shared/inngest.js";

// A stand-in for the engine's event API: records what the SDK posts and answers like Inngest does.
let server: Server;
let url: string;
const received: { path: string; body: unknown }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body: body ? JSON.parse(body) : undefined });
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ ids: ["evt-1"], status: 200 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

const decision = {
  orderId: "o1",
  accountId: "default",
  conversationId: "c1",
  contactId: "k1",
  decision: "approved" as const,
  by: "U123",
  decidedAt: "2026-11-21T10:00:00.000Z",
};

describe("app ids", () => {
  it("the worker's app id carries the WhatsApp account; the Slack side has one app", () => {
    const config = loadConfig({ WHATSAPP_ACCOUNT_ID: "store-2", INNGEST_APP_ID: "acme" });
    expect(workerAppId(config)).toBe("acme-worker-store-2");
    expect(slackAppId(config)).toBe("acme-slack");
    expect(registeredFunctionId("acme-slack", "approve-order")).toBe("acme-slack-approve-order");
    expect(registeredFunctionId("acme-slack", "approve-order", "failure")).toBe(
      "acme-slack-approve-order-failure",
    );
  });

  it("a worker's trigger condition selects its own account's events", () => {
    expect(accountCondition("store-2")).toBe("event.data.accountId == 'store-2'");
    expect(() => accountCondition("x' || true || '")).toThrow(RangeError);
  });
});

describe("createInngestClient", () => {
  it("dev mode sends events to the local engine URL from config", async () => {
    received.length = 0;
    const config = loadConfig({ INNGEST_DEV: "1", INNGEST_BASE_URL: url });
    const client = createInngestClient(config, { appId: slackAppId(config) });
    const result = await client.send(orderDecided.create(decision, { id: "order:o1:decided" }));
    expect(result.ids).toEqual(["evt-1"]);
    expect(received).toHaveLength(1);
    expect(received[0]?.path).toMatch(/^\/e\//);
    expect(received[0]?.body).toEqual([
      expect.objectContaining({ name: "order/decided", id: "order:o1:decided", data: decision }),
    ]);
  });

  it("INNGEST_DEV=<url> alone points the client at that URL", async () => {
    received.length = 0;
    const config = loadConfig({ INNGEST_DEV: url });
    const client = createInngestClient(config, { appId: "t" });
    await client.send({ name: "order/decided", data: decision });
    expect(received).toHaveLength(1);
  });

  it("cloud mode (self-hosted URL) sends with the event key", async () => {
    received.length = 0;
    const config = loadConfig({
      INNGEST_DEV: "0",
      INNGEST_BASE_URL: url,
      INNGEST_EVENT_KEY: "my-event-key",
      INNGEST_SIGNING_KEY: "signkey-prod-0123456789abcdef",
      INNGEST_SERVE_ORIGIN: "https://bot.example.com",
    });
    const client = createInngestClient(config, { appId: "t" });
    await client.send(orderDecided.create(decision));
    expect(received[0]?.path).toBe("/e/my-event-key");
  });

  it("refuses to send an event whose data breaks the catalogue schema, before any network call", async () => {
    received.length = 0;
    const config = loadConfig({ INNGEST_BASE_URL: url });
    const client = createInngestClient(config, { appId: "t" });
    await expect(
      client.send(orderDecided.create({ ...decision, decision: "maybe" } as never)),
    ).rejects.toThrow();
    expect(received).toHaveLength(0);
  });
});
