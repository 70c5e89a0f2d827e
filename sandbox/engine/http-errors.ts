import express from "express";
import type { ErrorRequestHandler, RequestHandler } from "express";

// Request bodies and client errors at the engine's HTTP edge: JSON in, and every failure answered
// as JSON `{"error"}` with the right 4xx, never a stack trace, never the request body (in the
// answer or in the log).

const BODY_LIMIT = "10mb";

/**
 * JSON bodies. The SDK sends events without a content type (fetch's text/plain default), so a
 * missing type, text/plain and any JSON type are read as JSON; other media types are refused.
 */
export function jsonBody(): RequestHandler {
  const parse = express.json({ limit: BODY_LIMIT, type: () => true });
  return (req, res, next) => {
    if (!hasBody(req.headers) || isJsonish(req.headers["content-type"])) {
      parse(req, res, next);
      return;
    }
    next(new ClientError(415, "unsupported content type: send JSON (application/json)"));
  };
}

function hasBody(headers: express.Request["headers"]): boolean {
  return headers["transfer-encoding"] !== undefined || Number(headers["content-length"] ?? 0) > 0;
}

function isJsonish(contentType: string | undefined): boolean {
  if (!contentType) return true;
  const type = contentType.split(";")[0]!.trim().toLowerCase();
  return type === "application/json" || type === "text/plain" || type.endsWith("+json");
}

export class ClientError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** What body-parser's error types mean for the client; its own messages may quote the body. */
const BODY_ERRORS: Record<string, [number, string]> = {
  "entity.parse.failed": [400, "malformed JSON body"],
  "entity.verify.failed": [400, "malformed JSON body"],
  "request.aborted": [400, "request body was cut off"],
  "request.size.invalid": [400, "request body does not match its Content-Length"],
  "entity.too.large": [413, `request body too large (at most ${BODY_LIMIT})`],
  "encoding.unsupported": [415, "unsupported content encoding (use gzip, deflate, br or none)"],
  "charset.unsupported": [415, "unsupported charset (use utf-8)"],
  "stream.encoding.set": [500, "internal error"],
};

/** The last handler: client errors keep their 4xx, anything else is a 500 whose cause is logged. */
export function jsonErrors(log: (msg: string) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    const { status, message } = describe(err);
    // The route's pattern, not the path: the path of `POST /e/:eventKey` carries the event key.
    const route = typeof req.route?.path === "string" ? req.route.path : "(no route)";
    if (status >= 500) log(`${req.method} ${route} failed: ${(err as Error)?.message ?? String(err)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json({ error: message });
  };
}

function describe(err: unknown): { status: number; message: string } {
  if (err instanceof ClientError) return { status: err.status, message: err.message };
  const e = err as { type?: unknown; status?: unknown; statusCode?: unknown; code?: unknown } | null;
  const known = typeof e?.type === "string" ? BODY_ERRORS[e.type] : undefined;
  if (known) return { status: known[0], message: known[1] };
  const status = Number(e?.status ?? e?.statusCode);
  // zlib's codes (gzip/deflate Z_*, brotli ERR__*): the body is not what its Content-Encoding says.
  if (status === 400 && typeof e?.code === "string" && /^(Z_|ERR__)/.test(e.code)) {
    return { status, message: "request body could not be decompressed (not valid gzip, deflate or br data)" };
  }
  if (Number.isInteger(status) && status >= 400 && status < 500) {
    // e.g. a path with a bad %-escape
    return { status, message: status === 400 ? "bad request" : `request refused (${status})` };
  }
  return { status: 500, message: "internal error" };
}
