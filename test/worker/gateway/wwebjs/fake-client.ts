// A stand-in for whatsapp-web.js's Client: an EventEmitter with the library's method names.
import { EventEmitter } from "node:events";
import { vi } from "vitest";
import type { WaMessageLike } from "../../../../worker/gateway/wwebjs/wa-client.js";

export type InitBehaviour = "resolve" | "hang" | "reject";

export class FakeBrowser extends EventEmitter {
  crash(): void {
    this.emit("disconnected");
  }
}

export class FakeClient extends EventEmitter {
  pupBrowser: FakeBrowser | null = null;
  readonly initialize = vi.fn(async () => {
    this.pupBrowser = new FakeBrowser();
    if (this.behaviour === "reject") throw new Error("net::ERR_NAME_NOT_RESOLVED");
    if (this.behaviour === "hang") await new Promise(() => {});
  });
  readonly destroy = vi.fn(async () => {
    // Like the real one: closing the browser makes puppeteer emit 'disconnected'.
    this.pupBrowser?.emit("disconnected");
  });
  readonly logout = vi.fn(async () => {});
  /** What this account has in each chat, as WhatsApp Web keeps it (fetchMessages reads it). */
  readonly chats = new Map<string, WaMessageLike[]>();
  readonly sendMessage = vi.fn(async (chatId: string, content: string) => {
    const id = { _serialized: `true_${chatId}_3EB0SENT` };
    const message = {
      id,
      from: chatId,
      fromMe: true,
      type: "chat",
      body: content,
      timestamp: Math.floor(Date.now() / 1000),
    };
    this.chats.set(chatId, [...(this.chats.get(chatId) ?? []), message]);
    return { id };
  });
  readonly getChatById = vi.fn(async (chatId: string) => ({
    fetchMessages: async (options: { limit?: number; fromMe?: boolean }) =>
      (this.chats.get(chatId) ?? [])
        .filter((m) => options.fromMe === undefined || m.fromMe === options.fromMe)
        .slice(-(options.limit ?? Infinity)),
  }));
  readonly getState = vi.fn(async () => "CONNECTED");
  readonly getContactLidAndPhone = vi.fn(async (ids: string[]) =>
    ids.map((lid) => ({ lid, pn: this.lidDirectory[lid] })),
  );
  lidDirectory: Record<string, string> = {};

  constructor(readonly behaviour: InitBehaviour = "resolve") {
    super();
  }
}

let counter = 0;
export function waMessage(overrides: Partial<WaMessageLike> = {}): WaMessageLike {
  counter++;
  return {
    id: { _serialized: `false_5215550001@c.us_3EB0${counter}` },
    from: "5215550001@c.us",
    fromMe: false,
    isStatus: false,
    type: "chat",
    body: "hola",
    timestamp: Math.floor(Date.now() / 1000),
    _data: { notifyName: "Ana" },
    ...overrides,
  };
}
