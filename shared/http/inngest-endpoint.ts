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

/**
 * Refuses what the SDK would mishandle: a sync whose query would become part of the registered URL
 * (`?fnId=x` there would make every later call name the wrong function), and a call without the
 * function it is for (the SDK answers that with a 500).
 */
const checkInngestRequest: RequestHandler = (req, res, next) => {
  const keys = Object.keys(req.query);
  if (req.method === "PUT" && keys.some((key) => !SYNC_QUERY_KEYS.has(key))) {
    res.status(400).json({ error: "a sync takes no query parameters other than deployId" });
    return;
  }
  if (req.method === "POST" && !keys.includes("fnId") && !keys.includes("probe")) {
    res.status(400).json({ error: "fnId query parameter is required" });
    return;
  }
  next();
};

/** Serves `functions` on /api/inngest of `app`. */
export function mountInngest(app: Express, { client, functions, serveOrigin }: InngestMount): void {
  app.use(
    INNGEST_PATH,
    checkInngestRequest,
    // The executor's requests carry the whole step memo: the default 100kb body limit is too small.
    ...jsonBody({ limit: "10mb" }),
    // servePath too, so that a request to /api/inngest/anything registers /api/inngest.
    serve({ client, functions, servePath: INNGEST_PATH, ...(serveOrigin ? { serveOrigin } : {}) }),
  );
}
