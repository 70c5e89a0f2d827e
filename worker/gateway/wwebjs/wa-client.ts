// The part of whatsapp-web.js's Client the supervisor uses. The real Client satisfies it; tests
// pass an EventEmitter with the same method names.

/** The part of a whatsapp-web.js Message the gateway reads. */
export interface WaMessageLike {
  id: { _serialized: string };
  from: string;
  author?: string;
  fromMe: boolean;
  isStatus?: boolean;
  type: string;
  body: string;
  timestamp: number;
  hasMedia?: boolean;
  location?: { latitude: number | string; longitude: number | string; name?: string };
  _data?: { notifyName?: string; caption?: string };
}

export interface WaBrowserLike {
  on(event: "disconnected", listener: () => void): unknown;
  /** Puppeteer's Browser.process(): the Chromium child process, when puppeteer launched it. */
  process?(): { kill(signal?: NodeJS.Signals): boolean } | null;
}

/** The part of a whatsapp-web.js Chat the gateway reads. */
export interface WaChatLike {
  fetchMessages(options: { limit?: number; fromMe?: boolean }): Promise<WaMessageLike[]>;
}

export interface WaClient {
  // `any` as in Node's EventEmitter: event payloads differ per event name.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  on(event: string, listener: (...args: any[]) => void): unknown;
  initialize(): Promise<void>;
  destroy(): Promise<void>;
  /** Never called by the gateway (it unlinks the device); listed so tests can assert that. */
  logout(): Promise<void>;
  sendMessage(chatId: string, content: string): Promise<{ id: { _serialized: string } }>;
  getState(): Promise<unknown>;
  getChatById(chatId: string): Promise<WaChatLike>;
  getContactLidAndPhone?(userIds: string[]): Promise<{ lid?: string; pn?: string }[]>;
  /** Set by initialize() once Chromium is launched. */
  pupBrowser?: WaBrowserLike | null;
}

export type WaClientFactory = () => WaClient | Promise<WaClient>;
