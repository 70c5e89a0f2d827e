// A local stand-in for Anthropic's Messages API (POST /v1/messages), for tests, the bench and the
// sandbox. Answers with documented JSON shapes; usage includes prompt-cache reads and writes computed
// from the request's cache_control breakpoints (prompt-cache.ts). Scriptable: queued replies and
// errors are served first, in order; with an empty queue a responder answers (by default the
// offline rules brain, so the demo works through the real SDK). Every request is recorded.
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createPromptCache, estimateTokens, promptSegments } from "./prompt-cache.js";
import type { CacheAccounting } from "./prompt-cache.js";
import { rulesResponder } from "./rules-responder.js";
import type { FakeContentBlock, MessageBody, StopReason } from "./shapes.js";
import { errorBody, errorTypeFor } from "./shapes.js";

type Json = Record<string, unknown>;

export type Responder = (
  body: Json,
) => FakeContentBlock[] | { content: FakeContentBlock[]; stopReason?: StopReason };

type Scripted =
  | { kind: "message"; content: FakeContentBlock[]; stopReason?: StopReason }
  | { kind: "error"; status: number; type: string; message: string; retryAfterSeconds?: number };

export interface RecordedRequest {
  method: string;
  path: string;
  /** Lower-case header names; credential values replaced by "[redacted]". */
  headers: Record<string, string>;
  /** Parsed JSON body (undefined when it was not JSON). */
  body: Json | undefined;
  /** The raw body as received. */
  rawBody: string;
  /** What the fake answered. */
  status: number;
  usage?: CacheAccounting & { outputTokens: number };
}

export interface FakeAnthropicOptions {
  port?: number;
  host?: string;
  /** When set, requests must carry this key (x-api-key or Authorization: Bearer). */
  apiKey?: string;
  /** Answers requests when the queue is empty (default: the offline rules brain). */
  respond?: Responder;
  /** Prefixes shorter than this are not cached (the real API's minimum is 1024+ tokens). Default 0. */
  minCacheableTokens?: number;
  cacheTtlMs?: number;
  now?: () => number;
}

export interface FakeAnthropic {
  /** Base URL for the SDK's `baseURL` option (the SDK appends /v1/messages). */
  url: string;
  requests: RecordedRequest[];
  enqueueText(text: string, options?: { stopReason?: StopReason }): void;
  enqueueToolUse(name: string, input: unknown, options?: { text?: string; stopReason?: StopReason }): void;
  enqueueMessage(content: FakeContentBlock[], options?: { stopReason?: StopReason }): void;
  /** e.g. enqueueError(529): the documented body for the status (`overloaded_error` for 529). */
  enqueueError(
    status: number,
    options?: { type?: string; message?: string; retryAfterSeconds?: number },
  ): void;
  /** Scripted answers not served yet. */
  pending(): number;
  clearCache(): void;
  close(): Promise<void>;
}

const MAX_BREAKPOINTS = 4;
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;

class RequestProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function redactedHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    const v = Array.isArray(value) ? value.join(", ") : (value ?? "");
    out[name] = name === "x-api-key" || name === "authorization" ? "[redacted]" : v;
  }
  return out;
}

function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers["x-api-key"];
  if (typeof header === "string" && header !== "") return header;
  const auth = req.headers.authorization;
  const m = typeof auth === "string" ? /^Bearer\s+(.+)$/i.exec(auth) : null;
  return m?.[1];
}

/** Checks the parts of the documented request shape the product relies on. */
function validateMessagesRequest(body: unknown): Json {
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new RequestProblem(400, "request body must be a JSON object");
  }
  const b = body as Json;
  if (typeof b.model !== "string" || b.model === "") throw new RequestProblem(400, "model: Field required");
  if (typeof b.max_tokens !== "number" || !Number.isInteger(b.max_tokens) || b.max_tokens < 1) {
    throw new RequestProblem(400, "max_tokens: must be a positive integer");
  }
  if (!Array.isArray(b.messages) || b.messages.length === 0) {
    throw new RequestProblem(400, "messages: at least one message is required");
  }
  for (const [i, m] of (b.messages as Json[]).entries()) {
    if (m?.role !== "user" && m?.role !== "assistant") {
      throw new RequestProblem(400, `messages.${i}.role: Input should be 'user' or 'assistant'`);
    }
    const c = m.content;
    if (!(typeof c === "string" || (Array.isArray(c) && c.length > 0))) {
      throw new RequestProblem(400, `messages.${i}.content: must be a string or a non-empty array`);
    }
  }
  if (b.tools !== undefined) {
    if (!Array.isArray(b.tools)) throw new RequestProblem(400, "tools: must be an array");
    const names = new Set<string>();
    for (const [i, t] of (b.tools as Json[]).entries()) {
      if (typeof t?.name !== "string" || !TOOL_NAME.test(t.name)) {
        throw new RequestProblem(
          400,
          `tools.${i}.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`,
        );
      }
      if (names.has(t.name)) throw new RequestProblem(400, "tools: Tool names must be unique.");
      names.add(t.name);
      if ((t.input_schema as Json | undefined)?.type !== "object") {
        throw new RequestProblem(400, `tools.${i}.input_schema.type: Input should be 'object'`);
      }
    }
  }
  return b;
}

export async function startFakeAnthropic(options: FakeAnthropicOptions = {}): Promise<FakeAnthropic> {
  const queue: Scripted[] = [];
  const requests: RecordedRequest[] = [];
  const cache = createPromptCache({
    ...(options.cacheTtlMs !== undefined ? { ttlMs: options.cacheTtlMs } : {}),
    ...(options.minCacheableTokens !== undefined ? { minCacheableTokens: options.minCacheableTokens } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const respond: Responder = options.respond ?? rulesResponder;
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}_fake${String((counter += 1)).padStart(6, "0")}`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawBody = await readBody(req);
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const record: RecordedRequest = {
      method: req.method ?? "",
      path,
      headers: redactedHeaders(req),
      body: undefined,
      rawBody,
      status: 0,
    };
    requests.push(record);
    const requestId = nextId("req");
    const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { "content-type": "application/json", "request-id": requestId, ...headers });
      res.end(JSON.stringify(payload));
    };
    const sendError = (status: number, type: string, message: string, headers?: Record<string, string>) =>
      send(status, errorBody(type, message, requestId), headers);

    try {
      if (req.method !== "POST" || path !== "/v1/messages") {
        return sendError(404, "not_found_error", `Not found: ${req.method} ${path}`);
      }
      const key = presentedKey(req);
      if (!key) return sendError(401, "authentication_error", "x-api-key header is required");
      if (options.apiKey !== undefined && key !== options.apiKey) {
        return sendError(401, "authentication_error", "invalid x-api-key");
      }
      if (!req.headers["anthropic-version"]) {
        return sendError(400, "invalid_request_error", "anthropic-version: header is required");
      }
      let parsed: unknown;
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        throw new RequestProblem(400, "There was an issue with the request body: invalid JSON");
      }
      const body = validateMessagesRequest(parsed);
      record.body = body;
      const segments = promptSegments(body);
      if (segments.filter((s) => s.breakpoint).length > MAX_BREAKPOINTS) {
        throw new RequestProblem(
          400,
          `A maximum of ${MAX_BREAKPOINTS} blocks with cache_control may be provided.`,
        );
      }

      const scripted = queue.shift();
      if (scripted?.kind === "error") {
        const headers: Record<string, string> =
          scripted.retryAfterSeconds !== undefined
            ? { "retry-after": String(scripted.retryAfterSeconds) }
            : {};
        return sendError(scripted.status, scripted.type, scripted.message, headers);
      }
      const answer = scripted ?? respond(body);
      const content = Array.isArray(answer) ? answer : answer.content;
      const explicitStop = Array.isArray(answer) ? undefined : answer.stopReason;
      const blocks: MessageBody["content"] = content.map((b) =>
        b.type === "text"
          ? { type: "text", text: b.text, citations: null }
          : { type: "tool_use", id: b.id ?? nextId("toolu"), name: b.name, input: b.input },
      );
      const stopReason: StopReason =
        explicitStop ?? (blocks.some((b) => b.type === "tool_use") ? "tool_use" : "end_turn");
      const accounting = cache.account(body.model as string, segments);
      const outputTokens = Math.max(1, estimateTokens(JSON.stringify(blocks)));
      record.usage = { ...accounting, outputTokens };
      const message: MessageBody = {
        id: nextId("msg"),
        type: "message",
        role: "assistant",
        model: body.model as string,
        content: blocks,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: {
          input_tokens: accounting.inputTokens,
          output_tokens: outputTokens,
          cache_creation_input_tokens: accounting.cacheWriteTokens,
          cache_read_input_tokens: accounting.cacheReadTokens,
          cache_creation: {
            ephemeral_5m_input_tokens: accounting.cacheWriteTokens,
            ephemeral_1h_input_tokens: 0,
          },
          service_tier: "standard",
        },
      };
      return send(200, message);
    } catch (error) {
      if (error instanceof RequestProblem)
        return sendError(error.status, errorTypeFor(error.status), error.message);
      return sendError(500, "api_error", "Internal server error");
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve) =>
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve),
  );
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://${options.host ?? "127.0.0.1"}:${port}`,
    requests,
    enqueueText(text, opts) {
      queue.push({
        kind: "message",
        content: [{ type: "text", text }],
        ...(opts?.stopReason ? { stopReason: opts.stopReason } : {}),
      });
    },
    enqueueToolUse(name, input, opts) {
      queue.push({
        kind: "message",
        content: [
          ...(opts?.text ? [{ type: "text" as const, text: opts.text }] : []),
          { type: "tool_use", name, input },
        ],
        ...(opts?.stopReason ? { stopReason: opts.stopReason } : {}),
      });
    },
    enqueueMessage(content, opts) {
      queue.push({ kind: "message", content, ...(opts?.stopReason ? { stopReason: opts.stopReason } : {}) });
    },
    enqueueError(status, opts) {
      const type = opts?.type ?? errorTypeFor(status);
      queue.push({
        kind: "error",
        status,
        type,
        message: opts?.message ?? (type === "overloaded_error" ? "Overloaded" : `Scripted ${type}`),
        ...(opts?.retryAfterSeconds !== undefined ? { retryAfterSeconds: opts.retryAfterSeconds } : {}),
      });
    },
    pending: () => queue.length,
    clearCache: () => cache.clear(),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
