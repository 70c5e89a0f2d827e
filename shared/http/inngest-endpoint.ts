// The Inngest endpoint every side serves: the SDK's Express handler for the side's functions.
import express from "express";
import type { Express } from "express";
import type { Inngest, InngestFunction } from "inngest";
import { serve } from "inngest/express";

/** Where the engine syncs our functions and calls their steps. */
export const INNGEST_PATH = "/api/inngest";

export interface InngestMount {
  client: Inngest.Any;
  functions: InngestFunction.Any[];
  /** Public origin the engine calls back on (behind a proxy); unset = taken from the request. */
  serveOrigin?: string | undefined;
}

/** Serves `functions` on /api/inngest of `app`. */
export function mountInngest(app: Express, { client, functions, serveOrigin }: InngestMount): void {
  // The executor's requests carry the whole step memo: the default 100kb body limit is too small.
  app.use(
    INNGEST_PATH,
    express.json({ limit: "10mb" }),
    serve({ client, functions, ...(serveOrigin ? { serveOrigin } : {}) }),
  );
}
