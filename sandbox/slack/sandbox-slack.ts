// The simulated workspace inside `npm start`: unless real Slack credentials are configured
// (SLACK_BOT_TOKEN), start it on the sandbox's MongoDB and hand the Slack side its token, signing
// secret, API URL and role lists; serve its HTTP API on the sandbox page; point it at the Slack app
// once the web server listens.
import { Router } from "express";
import type { Db } from "mongodb";
import type { Config } from "../../shared/config/index.js";
import { startSlackWorkspace, type ChannelKey, type SlackWorkspace } from "./index.js";

export interface SandboxSlack {
  /** The configuration for the Slack side: the workspace's credentials, or the real ones untouched. */
  config: Config;
  workspace: SlackWorkspace | undefined;
  /** The /sandbox/slack/* HTTP API (a clear 404 when real Slack is configured). */
  router(): Router;
  /** Tells the workspace where the Slack app's events endpoint listens. */
  connect(boltUrl: string): void;
  stop(): Promise<void>;
}

/** Channel names the Slack side's configuration uses, so that posting by name finds them. */
function configuredChannelNames(slack: Config["slack"]): Partial<Record<ChannelKey, string>> {
  const settings = slack as unknown as Record<string, unknown>;
  const names: Partial<Record<ChannelKey, string>> = {};
  for (const key of ["approvals", "handoff", "ops", "sales"] as const) {
    const value = settings[`${key}Channel`];
    // A channel id (real Slack) is no name; the simulated channel keeps its default name then.
    if (typeof value === "string" && value && !/^[CG][A-Z0-9]{2,}$/.test(value)) names[key] = value;
  }
  return names;
}

export async function startSandboxSlack(config: Config, db: Db): Promise<SandboxSlack> {
  if (config.slack.botToken) {
    return {
      config,
      workspace: undefined,
      router() {
        const router = Router();
        router.use("/sandbox/slack", (_req, res) => {
          res
            .status(404)
            .json({ error: "the simulated Slack workspace is off: real Slack credentials are configured" });
        });
        return router;
      },
      connect() {},
      stop: async () => {},
    };
  }
  const workspace = await startSlackWorkspace({ db, channelNames: configuredChannelNames(config.slack) });
  console.log(
    `[slack-sim] ${workspace.apiUrl}: a simulated Slack workspace, a development stand-in for Slack (set SLACK_BOT_TOKEN for the real one).`,
  );
  // Only the workspace's people exist here, so the role lists are theirs.
  const roles = { adminUserIds: workspace.adminUserIds, approverUserIds: workspace.approverUserIds };
  return {
    config: {
      ...config,
      slack: {
        ...config.slack,
        botToken: workspace.botToken,
        signingSecret: workspace.signingSecret,
        apiUrl: workspace.apiUrl,
        ...roles,
      },
    },
    workspace,
    router: () => workspace.router(),
    connect: (boltUrl) => workspace.setBoltUrl(boltUrl),
    stop: () => workspace.stop(),
  };
}
