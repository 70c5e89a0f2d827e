// The HTTP server behind `slackApiUrl`: POST /api/<method> with a form-encoded body (what the
// WebClient sends; objects inside are JSON strings) or a JSON body, and the response_urls handed out
// with interactions (POST /response/<id>).
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import type { Activity } from "./delivery.js";
import type { WebApiFaults } from "./faults.js";
import type { ReplyBook } from "./replies.js";
import type { Args, WebApi } from "./web-api.js";

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  /** Set when the call was answered with an injected failure (and did nothing). */
  failedWith?: number;
}

const MAX_RECORDED_CALLS = 10_000;

/** Form values that hold JSON (blocks, view, attachments) are decoded; scalars stay strings. */
function parseForm(raw: string): Args {
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    const trimmed = value.trim();
    if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
      try {
        args[key] = JSON.parse(trimmed);
        continue;
      } catch {
        // Not JSON after all: keep the text as sent.
      }
    }
    args[key] = value;
  }
  return args;
}

function parseBody(raw: string, contentType: string): Args | undefined {
  if (!raw.trim()) return {};
  if (contentType.includes("application/json")) {
    try {
      const value: unknown = JSON.parse(raw);
      return value && typeof value === "object" && !Array.isArray(value) ? (value as Args) : undefined;
    } catch {
      return undefined;
    }
  }
  return parseForm(raw);
}

export interface ApiServer {
  apiUrl: string;
  origin: string;
  stop(): Promise<void>;
}

export async function startApiServer(opts: {
  port: number;
  webApi: WebApi;
  replies: ReplyBook;
  activity: Activity;
  calls: RecordedCall[];
  faults: WebApiFaults;
}): Promise<ApiServer> {
  const { webApi, replies, activity, calls, faults } = opts;
  const app = express();
  const raw = express.text({ type: () => true, limit: "5mb" });

  const record = (call: RecordedCall) => {
    calls.push(call);
    if (calls.length > MAX_RECORDED_CALLS) calls.splice(0, calls.length - MAX_RECORDED_CALLS);
  };

  app.post("/api/:method", raw, async (req, res) => {
    const done = activity.begin();
    try {
      const method = String(req.params["method"]);
      const body = typeof req.body === "string" ? req.body : "";
      const args = parseBody(body, req.headers["content-type"] ?? "");
      if (!args) {
        res.json({ ok: false, error: "invalid_json" });
        return;
      }
      const header = req.headers.authorization;
      const bearer = header?.startsWith("Bearer ") ? header.slice("Bearer ".length) : undefined;
      const token = bearer ?? (typeof args["token"] === "string" ? args["token"] : undefined);
      const { token: _token, ...rest } = args;
      const fault = faults.take(method);
      record({ method, args: rest, ...(fault ? { failedWith: fault.status } : {}) });
      if (fault) {
        res.status(fault.status).set(fault.headers).json(fault.body);
        return;
      }
      res.json(await webApi.call(method, rest, token));
    } catch (error) {
      res.json({
        ok: false,
        error: "internal_error",
        detail: error instanceof Error ? error.message : String(error),
      });
    } finally {
      done();
    }
  });

  app.post("/response/:id", raw, async (req, res) => {
    const done = activity.begin();
    try {
      const body = typeof req.body === "string" ? req.body : "";
      let parsed: unknown;
      try {
        parsed = body.trim() ? JSON.parse(body) : {};
      } catch {
        res.status(400).json({ ok: false, error: "invalid_payload" });
        return;
      }
      record({ method: "response_url", args: (parsed ?? {}) as Record<string, unknown> });
      const answer = await replies.post(String(req.params["id"]), parsed);
      res.status(answer.status).json(answer.body);
    } finally {
      done();
    }
  });

  app.use((_req, res) => {
    res.status(404).json({ ok: false, error: "unknown_method" });
  });

  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(opts.port, "127.0.0.1", () => resolve(s));
    s.on("error", reject);
  });
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${origin}/api/`,
    origin,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
