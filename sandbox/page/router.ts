// The sandbox web page: write as a simulated customer, read the bot's replies, watch the engine's runs
// and move its clock. It only uses the phones' HTTP API and the engine's inspection API (proxied here
// so the page has one origin).
import { readFileSync } from "node:fs";
import express, { Router } from "express";
import { jsonBody } from "../../shared/http/index.js";

const page = readFileSync(new URL("./page.html", import.meta.url), "utf8");

export interface SandboxPageOptions {
  engineUrl: string;
}

export function createSandboxPageRouter({ engineUrl }: SandboxPageOptions): Router {
  const router = Router();
  router.get("/", (_req, res) => {
    res.type("html").send(page);
  });
  router.get("/sandbox/engine/runs", async (req, res) => {
    const query = new URLSearchParams(req.query as Record<string, string>).toString();
    await relay(res, fetch(`${engineUrl}/runs${query ? `?${query}` : ""}`));
  });
  router.get("/sandbox/engine/clock", async (_req, res) => {
    await relay(res, fetch(`${engineUrl}/clock`));
  });
  router.post("/sandbox/engine/clock/advance", ...jsonBody(), async (req, res) => {
    await relay(
      res,
      fetch(`${engineUrl}/clock/advance`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(req.body ?? {}),
      }),
    );
  });
  return router;
}

async function relay(res: express.Response, upstream: Promise<Response>): Promise<void> {
  try {
    const answer = await upstream;
    res
      .status(answer.status)
      .type("json")
      .send(await answer.text());
  } catch {
    res.status(502).json({ error: "the local engine did not answer" });
  }
}
