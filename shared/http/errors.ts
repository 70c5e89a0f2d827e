// How every server of ours answers what goes wrong: `{"error": "..."}` with the right status, never an
// HTML page or a stack trace, and never the request body in the log (a body-parser error carries the
// raw body, and JSON.parse's message quotes it: a customer's phone and address in clear).
import express from "express";
import type { ErrorRequestHandler, Express, RequestHandler } from "express";

/** What the error handler logs through (the product's pino logger fits). */
export interface ErrorLogger {
  error(fields: object, message: string): void;
}

/** Without a logger, a server error still leaves one line on stderr (no stack: it names our files). */
const stderrLogger: ErrorLogger = {
  error: (fields, message) => console.error(`${message} ${JSON.stringify(fields)}`),
};

/** HTTP errors as Node libraries throw them (body-parser, raw-body, router): a status and a `type`. */
interface HttpishError {
  status?: unknown;
  statusCode?: unknown;
  type?: unknown;
  name?: unknown;
  code?: unknown;
}

/**
 * Node's zlib error codes: `Z_DATA_ERROR` and kin for gzip and deflate, `ERR__ERROR_FORMAT_…` and kin
 * for brotli. The body parsers pass them on as a bare 400 when a body is not what its
 * Content-Encoding says.
 */
function isDecompressionError(code: unknown): boolean {
  return typeof code === "string" && /^(Z_|ERR__)/.test(code);
}

const CORRUPT_ENCODING_ERROR = "body could not be decompressed (not valid gzip, deflate or br data)";

/** Our words for the client errors Express's body parsers and router raise, by their `type`. */
const CLIENT_ERRORS: Record<string, { status: number; error: string }> = {
  "entity.parse.failed": { status: 400, error: "body is not valid JSON" },
  "entity.too.large": { status: 413, error: "body is too large" },
  "encoding.unsupported": {
    status: 415,
    error: "unsupported content encoding (use gzip, deflate, br or none)",
  },
  "charset.unsupported": { status: 415, error: "unsupported charset (use utf-8)" },
  "request.aborted": { status: 400, error: "request aborted" },
  "request.size.invalid": { status: 400, error: "body length does not match Content-Length" },
  "parameters.too.many": { status: 413, error: "too many parameters" },
  "unsupported.media.type": { status: 415, error: "unsupported media type (send application/json)" },
};

function statusOf(error: HttpishError): number | undefined {
  const status = typeof error.status === "number" ? error.status : error.statusCode;
  return typeof status === "number" && Number.isInteger(status) ? status : undefined;
}

/** The status and the message a client gets for `error`; 500 "internal error" for anything not theirs. */
export function describeHttpError(error: unknown): { status: number; error: string } {
  const e = (typeof error === "object" && error !== null ? error : {}) as HttpishError;
  const known = typeof e.type === "string" ? CLIENT_ERRORS[e.type] : undefined;
  if (known) return known;
  const status = statusOf(e);
  // The router's URIError for a bad %-escape in a path parameter.
  if (e.name === "URIError") return { status: 400, error: "the path has an invalid %-escape" };
  if (status === 400 && isDecompressionError(e.code)) return { status: 400, error: CORRUPT_ENCODING_ERROR };
  if (status !== undefined && status >= 400 && status < 500) {
    return { status, error: status === 404 ? "not found" : "bad request" };
  }
  return { status: 500, error: "internal error" };
}

/**
 * The last error handler of an app: answers `{"error"}` with the status from describeHttpError.
 * Client errors are not logged (they are the client's, and their messages may quote the body). A
 * server error is logged with its name, the method and the route, and its message only through a
 * logger given here (the product's logger masks phone numbers); never the body.
 */
export function jsonErrorHandler(logger?: ErrorLogger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const answer = describeHttpError(error);
    if (answer.status >= 500) {
      const fields = {
        method: req.method,
        route: req.baseUrl + (req.route?.path ?? ""),
        error: error instanceof Error ? error.name : typeof error,
      };
      if (logger)
        logger.error(
          { ...fields, message: error instanceof Error ? error.message : undefined },
          "request failed",
        );
      else stderrLogger.error(fields, "request failed");
    }
    res.status(answer.status).set("Cache-Control", "no-store").json({ error: answer.error });
  };
}

/** Answers every request no route took: 404 `{"error": "not found"}`. */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ error: "not found" });
};

/** Ends `app` with the 404 for unknown paths and the JSON error handler. Call it after the last route. */
export function serveJsonErrors(app: Express, logger?: ErrorLogger): void {
  app.use(notFound);
  app.use(jsonErrorHandler(logger));
}

export interface JsonBodyOptions {
  /** Largest accepted body, in body-parser's notation ("1mb"); default "100kb". */
  limit?: string;
}

/**
 * Parses a JSON body, and refuses a body of any other media type with 415 (instead of letting the
 * route see no body). Requests without a body pass through with `req.body` undefined.
 */
export function jsonBody(options: JsonBodyOptions = {}): RequestHandler[] {
  const requireJson: RequestHandler = (req, _res, next) => {
    const hasBody =
      req.headers["transfer-encoding"] !== undefined || Number(req.headers["content-length"] ?? 0) > 0;
    if (hasBody && !req.is("application/json")) {
      next(
        Object.assign(new Error("unsupported media type"), { status: 415, type: "unsupported.media.type" }),
      );
      return;
    }
    next();
  };
  return [requireJson, express.json({ limit: options.limit ?? "100kb" })];
}
