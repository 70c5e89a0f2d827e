// The sandbox page's server: the page itself (/), its live updates, /healthz, and the engine's clock
// and runs (proxied so that a person, a tool or the page needs this one address). The phones'
// (/sandbox/whatsapp/*) and Slack's (/sandbox/slack/*) APIs are mounted next to it by sandbox/main.ts.
//
// Exact HTTP API (README.md "Sandbox HTTP API"):
//   GET  /healthz                                  → 200 {"ok": true, mongo, engine, apps, gateway, missing: []}
//                                                     | 503 {"ok": false, ..., "missing": ["engine", ...]}
//   GET  /sandbox/clock                            → the engine's {"now"}
//   POST /sandbox/clock/advance {"ms"}             → the engine's {"now", "fired", "settled"}
//   GET  /sandbox/runs?function=&status=&limit=    → the engine's /runs answer
// For the page only: GET /sandbox/events (server-sent events), GET /sandbox/page/customer/:phone,
// GET /sandbox/page/ephemeral?user=.
import { readFileSync } from "node:fs";
import express, { Router } from "express";
import type { Db } from "mongodb";
import { COLLECTIONS } from "../../shared/db/index.js";
import { isE164 } from "../../shared/domain/phone.js";
import { jsonBody } from "../../shared/http/index.js";
import type { SlackWorkspace } from "../slack/index.js";
import { checkHealth, type HealthChecks } from "./health.js";
import { LiveFeed } from "./live.js";

const page = readFileSync(new URL("./page.html", import.meta.url), "utf8");

export interface SandboxPageOptions {
  engineUrl: string;
  health: HealthChecks;
  /** The product's database: a customer's conversation (opted out or not) for the phone pane. */
  db: Db;
  onPhoneChange: (listener: () => void) => () => void;
  /** The simulated workspace, when real Slack is not configured. */
  workspace: SlackWorkspace | undefined;
}

export interface SandboxPage {
  router: Router;
  close(): void;
}

const RUN_QUERY = ["function", "status", "limit"] as const;

export function createSandboxPage(options: SandboxPageOptions): SandboxPage {
  const { engineUrl, workspace } = options;
  const router = Router();
  let slackWrites = 0;
  const live = new LiveFeed({
    onPhoneChange: options.onPhoneChange,
    slackFingerprint: () => `${workspace?.calls().length ?? 0}:${slackWrites}`,
    runsFingerprint: async () => (await fetch(`${engineUrl}/runs?limit=100`)).text(),
  });

  // A person's click, submit, command or message changes what the Slack pane shows.
  router.use("/sandbox/slack", (req, res, next) => {
    if (req.method === "POST") {
      res.on("finish", () => {
        slackWrites++;
        live.publish("slack");
      });
    }
    next();
  });

  router.get("/", (_req, res) => {
    res.type("html").send(page);
  });

  router.get("/healthz", async (_req, res) => {
    const report = await checkHealth(options.health);
    res.status(report.ok ? 200 : 503).json(report);
  });

  router.get("/sandbox/events", (req, res) => live.serve(req, res));

  router.get("/sandbox/runs", async (req, res) => {
    const query = new URLSearchParams();
    for (const key of RUN_QUERY) {
      const value = req.query[key];
      if (typeof value === "string") query.set(key, value);
    }
    const qs = query.toString();
    await relay(res, () => fetch(`${engineUrl}/runs${qs ? `?${qs}` : ""}`));
  });

  router.get("/sandbox/clock", async (_req, res) => {
    await relay(res, () => fetch(`${engineUrl}/clock`));
  });

  router.post("/sandbox/clock/advance", ...jsonBody(), async (req, res) => {
    await relay(res, () =>
      fetch(`${engineUrl}/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(req.body ?? {}),
      }),
    );
    live.publish("runs");
  });

  router.get("/sandbox/page/customer/:phone", async (req, res) => {
    const raw = req.params.phone.trim();
    const phone = raw.startsWith("+") ? raw : `+${raw}`;
    if (!isE164(phone)) {
      res.status(400).json({ error: "phone must be an E.164 phone number like +5215550001" });
      return;
    }
    const conversation = await options.db
      .collection<{ phone: string; mode: string; optedOut: boolean }>(COLLECTIONS.conversations)
      .findOne({ phone }, { sort: { updatedAt: -1 } });
    res.json({
      phone,
      mode: conversation?.mode ?? null,
      optedOut: conversation?.optedOut ?? false,
    });
  });

  router.get("/sandbox/page/ephemeral", async (req, res) => {
    const user = req.query["user"];
    if (typeof user !== "string" || !user.trim()) {
      res.status(400).json({ error: "user query parameter is required (a Slack user id)" });
      return;
    }
    res.json({ ephemeral: workspace ? await workspace.ephemeral(user) : [] });
  });

  return { router, close: () => live.close() };
}

async function relay(res: express.Response, upstream: () => Promise<Response>): Promise<void> {
  try {
    const answer = await upstream();
    res
      .status(answer.status)
      .type("json")
      .send(await answer.text());
  } catch {
    res.status(502).json({ error: "the local engine did not answer" });
  }
}
