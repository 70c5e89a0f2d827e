// The Inngest endpoint every side serves: the SDK's Express handler for the side's functions, behind
// the checks that keep a stranger's request from changing what the engine calls.
import type { Express, RequestHandler } from "express";
import type { Inngest, InngestFunction } from "inngest";
import { serve } from "inngest/express";
import { jsonBody } from "./errors.js";

/** Where the engine syncs our functions and calls their steps. */
export const INNGEST_PATH = "/api/inngest";

export interface InngestMount {
  client: Inngest.Any;
  functions: InngestFunction.Any[];
  /**
   * Public origin the engine calls back on. Set, it is the only URL a sync registers (the SDK would
   * otherwise build it from the request's Host header, which anyone can forge); config requires it
   * in cloud mode. Unset (dev mode) = taken from the request.
   */
  serveOrigin?: string | undefined;
}

/** Query parameters a sync (PUT) may carry: the SDK copies the query into the URL it registers. */
const SYNC_QUERY_KEYS = new Set(["deployId"]);

/** The SDK's suffix for the id of a function's onFailure handler. */
const FAILURE_SUFFIX = "-failure";

/** The ids the SDK answers calls for: `<appId>-<fnId>`, plus `<appId>-<fnId>-failure` for an onFailure handler. */
function servedFunctionIds(client: Inngest.Any, functions: InngestFunction.Any[]): Set<string> {
  const ids = new Set<string>();
  for (const fn of functions) {
    const id = fn.id(client.id);
    ids.add(id);
    if (fn.opts.onFailure) ids.add(`${id}${FAILURE_SUFFIX}`);
  }
  return ids;
}

/** Whether a call's body has the one part every executor call carries (the triggering event). */
function isExecutorCall(body: unknown): boolean {
  if (typeof body !== "object" || body === null || Array.isArray(body)) return false;
  const event = (body as { event?: unknown }).event;
  return typeof event === "object" && event !== null && !Array.isArray(event);
}

/**
 * Refuses what the SDK would mishandle: a sync whose query would become part of the registered URL
 * (`?fnId=x` there would make every later call name the wrong function), and calls the SDK answers
 * with a 500 and its stack trace: one without the function it is for, one naming a function this app
 * does not serve, one whose body is not an executor call.
 */
function checkInngestRequest(served: Set<string>): RequestHandler {
  return (req, res, next) => {
    const keys = Object.keys(req.query);
    if (req.method === "PUT" && keys.some((key) => !SYNC_QUERY_KEYS.has(key))) {
      res.status(400).json({ error: "a sync takes no query parameters other than deployId" });
      return;
    }
    if (req.method === "POST" && !keys.includes("probe")) {
      const fnId = req.query["fnId"];
      if (!keys.includes("fnId")) {
        res.status(400).json({ error: "fnId query parameter is required" });
        return;
      }
      if (typeof fnId !== "string" || !served.has(fnId)) {
        res.status(404).json({ error: "fnId names no function of this app" });
        return;
      }
      if (!isExecutorCall(req.body)) {
        res.status(400).json({ error: "body must be an executor call (a JSON object with an event)" });
        return;
      }
    }
    next();
  };
}

/** Serves `functions` on /api/inngest of `app`. */
export function mountInngest(app: Express, { client, functions, serveOrigin }: InngestMount): void {
  app.use(
    INNGEST_PATH,
    // The executor's requests carry the whole step memo: the default 100kb body limit is too small.
    ...jsonBody({ limit: "10mb" }),
    checkInngestRequest(servedFunctionIds(client, functions)),
    // servePath too, so that a request to /api/inngest/anything registers /api/inngest.
    serve({ client, functions, servePath: INNGEST_PATH, ...(serveOrigin ? { serveOrigin } : {}) }),
  );
}
