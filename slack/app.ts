// Builds the web (Slack side) HTTP app: Bolt on /slack/events, the slack-side Inngest functions on
// /api/inngest, and /healthz. Kept apart from main.ts so tests and the sandbox can build it with their
// own config and client.
import express from "express";
import type { Express } from "express";
import { App, ExpressReceiver } from "@slack/bolt";
import type { InngestFunction } from "inngest";
import type { Config } from "../shared/config/index.js";
import { mountInngest, serveJsonErrors } from "../shared/http/index.js";
import type { InngestClient } from "../shared/inngest.js";

export interface SlackSideDeps {
  config: Config;
  inngest: InngestClient;
  functions: InngestFunction.Any[];
}

export interface SlackSide {
  http: Express;
  /** The Bolt app when Slack credentials are configured; listeners register on it. */
  bolt?: App;
}

export function createSlackSide({ config, inngest, functions }: SlackSideDeps): SlackSide {
  const http = express();
  http.get("/healthz", (_req, res) => {
    res.json({ ok: true, slack: config.slack.signingSecret ? "configured" : "not-configured" });
  });
  mountInngest(http, { client: inngest, functions, serveOrigin: config.inngest.serveOrigin });

  const { botToken, signingSecret } = config.slack;
  if (!botToken || !signingSecret) {
    http.post("/slack/events", (_req, res) => {
      res
        .status(503)
        .json({ error: "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" });
    });
    serveJsonErrors(http);
    return { http };
  }
  // Bolt verifies Slack's signature on the raw body, so no body parser may run before its router.
  const receiver = new ExpressReceiver({ signingSecret, endpoints: "/slack/events", app: http });
  const bolt = new App({
    token: botToken,
    receiver,
    ...(config.slack.apiUrl ? { clientOptions: { slackApiUrl: config.slack.apiUrl } } : {}),
  });
  serveJsonErrors(http);
  return { http, bolt };
}
