// Builds the web (Slack side) HTTP app: Bolt on /slack/events (commands, interactivity and events on
// one URL), the slack-side Inngest functions on /api/inngest, and /healthz. Kept apart from main.ts so
// tests and the sandbox can build it with their own config, database and client.
import express from "express";
import type { Express } from "express";
import { App, ExpressReceiver, LogLevel } from "@slack/bolt";
import type { webApi } from "@slack/bolt";
import type { InngestFunction } from "inngest";
import type { Config } from "../shared/config/index.js";
import type { DbHandle } from "../shared/db/index.js";
import { mountInngest, serveJsonErrors } from "../shared/http/index.js";
import type { InngestClient } from "../shared/inngest.js";
import { rolesFromConfig } from "./access/roles.js";
import { silentSlackLogger, type SlackContext, type SlackLogger } from "./context.js";
import { createSlackFunctions } from "./functions.js";
import { registerListeners } from "./listeners/index.js";

export interface SlackSideDeps {
  config: Config;
  inngest: InngestClient;
  /**
   * With a database (and Slack credentials) the listeners and the Slack-side functions are wired;
   * without one only the endpoints answer (health checks, signature checks).
   */
  db?: DbHandle;
  /** More functions to serve next to the Slack side's own (tests). */
  functions?: InngestFunction.Any[];
  logger?: SlackLogger;
  /** Web API client options, e.g. `retryConfig: { retries: 0 }` in tests. */
  clientOptions?: webApi.WebClientOptions;
}

export interface SlackSide {
  http: Express;
  /** The Bolt app when Slack credentials are configured. */
  bolt?: App;
  /** The functions served on /api/inngest. */
  functions: InngestFunction.Any[];
}

export function createSlackSide(deps: SlackSideDeps): SlackSide {
  const { config, inngest } = deps;
  const logger = deps.logger ?? silentSlackLogger;
  const http = express();
  http.disable("x-powered-by");
  http.get("/healthz", (_req, res) => {
    res.json({ ok: true, slack: config.slack.signingSecret ? "configured" : "not-configured" });
  });

  const { botToken, signingSecret } = config.slack;
  let bolt: App | undefined;
  const own: InngestFunction.Any[] = [];
  if (!botToken || !signingSecret) {
    http.post("/slack/events", (_req, res) => {
      res
        .status(503)
        .json({ error: "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET" });
    });
  } else {
    // Bolt verifies Slack's signature on the raw body, so no body parser may run before its router.
    // A long-running server: ack() answers Slack at once and the listener's work continues after.
    const receiver = new ExpressReceiver({
      signingSecret,
      endpoints: "/slack/events",
      app: http,
      processBeforeResponse: false,
      logLevel: LogLevel.ERROR,
    });
    bolt = new App({
      token: botToken,
      receiver,
      logLevel: LogLevel.ERROR,
      clientOptions: {
        ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
        ...deps.clientOptions,
      },
    });
    if (deps.db) {
      const ctx: SlackContext = { config, db: deps.db, inngest, roles: rolesFromConfig(config), logger };
      registerListeners(bolt, ctx);
      own.push(...createSlackFunctions({ ...ctx, client: bolt.client }));
    }
  }

  const functions = [...own, ...(deps.functions ?? [])];
  mountInngest(http, { client: inngest, functions, serveOrigin: config.inngest.serveOrigin });
  serveJsonErrors(http);
  return { http, functions, ...(bolt ? { bolt } : {}) };
}
