import express from "express";
import type { Request, Response } from "express";
import { z } from "zod";
import { MAX_ADVANCE_MS } from "./clock.js";
import type { Engine } from "./engine.js";
import { opSchema } from "./outcome.js";
import { jsonBody, jsonErrors } from "./http-errors.js";
import { registrationProblems, syncBodySchema } from "./registration.js";
import { hashedSigningKey } from "./signing.js";
import type { RunStatus } from "./types.js";

// The engine's HTTP surface: what the SDK calls (events, sync) plus inspection and time endpoints.
export interface HttpApiOptions {
  engine: Engine;
  signingKey?: string;
  eventKey?: string;
  syncApp: (url: string) => Promise<{ ok: boolean; status: number; body: string }>;
  /** Where server errors (5xx) are reported: message only, never a request body. */
  log?: (msg: string) => void;
}

const eventSchema = z
  .object({
    name: z.string().min(1),
    data: z.record(z.string(), z.unknown()).nullish(),
    id: z.string().nullish(),
    ts: z.number().nullish(),
  })
  .loose();
const eventListSchema = z.array(eventSchema);

/** zod's issues as one line a client can act on: "0.name: Invalid input: expected string, received object". */
function issuesText(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join(".")}: ${issue.message}` : issue.message))
    .join("; ");
}
const limitSchema = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(1));
const statusSchema = z.enum(["queued", "running", "sleeping", "waiting", "completed", "failed", "cancelled"]);
const checkpointSchema = z.object({ qi_id: z.string().min(1), steps: z.array(opSchema) }).loose();
const advanceSchema = z.object({ ms: z.number().int().nonnegative().max(MAX_ADVANCE_MS) }).strict();

export function createHttpApi(opts: HttpApiOptions): express.Express {
  const { engine } = opts;
  const app = express();
  app.disable("x-powered-by");
  app.use(jsonBody());
  const authorized = (req: Request) =>
    !opts.signingKey || req.header("authorization") === `Bearer ${hashedSigningKey(opts.signingKey)}`;

  app.post("/e/:eventKey", async (req: Request, res: Response) => {
    if (opts.eventKey && req.params["eventKey"] !== opts.eventKey) {
      res.status(401).json({ ids: [], status: 401, error: "Event key not found" });
      return;
    }
    // One event or a list of them; a problem is named by its place in the list ("0.name: ...").
    const parsed = eventListSchema.safeParse(Array.isArray(req.body) ? req.body : [req.body]);
    if (!parsed.success) {
      res.status(400).json({ ids: [], status: 400, error: `invalid events: ${issuesText(parsed.error)}` });
      return;
    }
    const list = parsed.data;
    const ids = await engine.ingest(
      list.map(({ id: _id, ts: _ts, data: _data, ...e }) => ({
        ...e,
        name: e.name,
        data: _data ?? {},
        ...(_id ? { id: _id } : {}),
        ...(_ts ? { ts: _ts } : {}),
      })),
    );
    res.status(200).json({ ids, status: 200 });
  });

  app.post("/fn/register", async (req: Request, res: Response) => {
    // with a signing key, only apps that hold it may register (as Inngest Cloud requires).
    // Error answers carry `status`: the SDK reads it from the body to fail its PUT-triggered sync.
    if (!authorized(req)) {
      const error = req.header("authorization") ? "Invalid signing key" : "Missing signing key";
      res.status(401).json({ ok: false, status: 401, error });
      return;
    }
    const parsed = syncBodySchema.safeParse(req.body);
    if (!parsed.success) {
      res
        .status(400)
        .json({ ok: false, status: 400, error: `invalid sync body: ${issuesText(parsed.error)}` });
      return;
    }
    const problems = registrationProblems(parsed.data);
    if (problems.length > 0) {
      res.status(400).json({ ok: false, status: 400, error: problems.join("; ") });
      return;
    }
    await engine.registerApp(parsed.data);
    res.status(200).json({ ok: true, modified: true });
  });

  // Async checkpointing: steps the SDK ran within a call still in flight. 409 tells it that call is
  // stale (the run was cancelled or finished), so it stops running steps for it.
  app.post("/v1/checkpoint/:runId/async", async (req: Request, res: Response) => {
    if (!authorized(req)) {
      res
        .status(401)
        .json({ error: req.header("authorization") ? "Invalid signing key" : "Missing signing key" });
      return;
    }
    const parsed = checkpointSchema.safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: `invalid checkpoint: ${parsed.error.message}` });
      return;
    }
    const result = await engine.checkpoint(String(req.params["runId"]), parsed.data.qi_id, parsed.data.steps);
    if (result === "ok") res.json({ ok: true });
    else res.status(409).json({ error: "this call is no longer the run's current one" });
  });

  app.post("/v1/signals", async (req: Request, res: Response) => {
    const parsed = z.object({ signal: z.string().min(1), data: z.unknown() }).safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: "body must be {signal, data}" });
      return;
    }
    const runId = await engine.sendSignal(parsed.data.signal, parsed.data.data);
    if (runId) res.json({ data: { run_id: runId } });
    else res.status(404).json({ error: `no run is waiting for signal ${parsed.data.signal}` });
  });

  app.get("/runs", async (req: Request, res: Response) => {
    const fn = typeof req.query["function"] === "string" ? req.query["function"] : undefined;
    const rawStatus = typeof req.query["status"] === "string" ? req.query["status"] : undefined;
    const status = rawStatus === undefined ? undefined : statusSchema.safeParse(rawStatus);
    if (status && !status.success) {
      res.status(400).json({ error: `unknown status ${rawStatus}` });
      return;
    }
    const rawLimit = typeof req.query["limit"] === "string" ? req.query["limit"] : undefined;
    const limit = rawLimit === undefined ? undefined : limitSchema.safeParse(rawLimit);
    if (limit && !limit.success) {
      res.status(400).json({ error: "limit must be a whole number of at least 1" });
      return;
    }
    const runs = await engine.listRuns({
      ...(fn ? { functionId: fn } : {}),
      ...(status?.data ? { status: status.data as RunStatus } : {}),
      ...(limit?.data ? { limit: limit.data } : {}),
    });
    res.json({ runs });
  });

  app.get("/runs/:id", async (req: Request, res: Response) => {
    const run = await engine.getRun(String(req.params["id"]));
    if (!run) res.status(404).json({ error: "run not found" });
    else res.json({ run });
  });

  app.post("/runs/:id/cancel", async (req: Request, res: Response) => {
    const ok = await engine.cancelRun(String(req.params["id"]));
    res.status(ok ? 200 : 404).json({ ok });
  });

  app.get("/clock", (_req: Request, res: Response) => {
    res.json({ now: new Date(engine.nowMs()).toISOString() });
  });

  app.post("/clock/advance", async (req: Request, res: Response) => {
    const parsed = advanceSchema.safeParse(req.body);
    if (!parsed.success) {
      const error = `body must be {"ms": <whole number of milliseconds from 0 to ${MAX_ADVANCE_MS} (366 days)>}`;
      res.status(400).json({ error });
      return;
    }
    if (!engine.canAdvance(parsed.data.ms)) {
      res.status(400).json({ error: "that would move the clock past the year 9999" });
      return;
    }
    res.json(await engine.advance(parsed.data.ms));
  });

  app.get("/apps", (_req: Request, res: Response) => {
    res.json({
      apps: engine.registry
        .listApps()
        .map((a) => ({ id: a.id, url: a.url, functions: a.functions.map((f) => f.id) })),
    });
  });

  // Makes the engine PUT to a URL of the caller's choice: with a signing key, only its holders may.
  // The app's answer is not passed on (the engine must not be a way to read other servers).
  app.post("/apps/sync", async (req: Request, res: Response) => {
    if (!authorized(req)) {
      const error = req.header("authorization") ? "Invalid signing key" : "Missing signing key";
      res.status(401).json({ error });
      return;
    }
    const parsed = z.object({ url: z.url({ protocol: /^https?$/ }) }).safeParse(req.body);
    if (!parsed.success) {
      res.status(400).json({ error: 'body must be {"url": "<http(s) serve url>"}' });
      return;
    }
    const { ok, status } = await opts.syncApp(parsed.data.url);
    if (ok) res.json({ ok, status });
    else
      res
        .status(502)
        .json({ ok, status, error: status ? `the app answered ${status}` : "the app did not answer" });
  });

  app.get(["/", "/health"], (_req: Request, res: Response) => {
    res.json({ ok: true, kind: "local-inngest-engine", now: new Date(engine.nowMs()).toISOString() });
  });

  app.use((req: Request, res: Response) => {
    res.status(404).json({ error: `the local engine does not implement ${req.method} ${req.path}` });
  });
  app.use(jsonErrors(opts.log ?? (() => {})));
  return app;
}
