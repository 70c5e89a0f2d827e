// A real Bolt app (ExpressReceiver on an Express app, random port) wired to a simulated workspace on
// a database of the embedded MongoDB server; each test file registers its own small listeners.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { App, ExpressReceiver, LogLevel } from "@slack/bolt";
import type { Db, MongoClient } from "mongodb";
import {
  startSlackWorkspace,
  type SlackWorkspace,
  type SlackWorkspaceOptions,
} from "../../../sandbox/slack/index.js";

export interface BoltHarness {
  app: App;
  url: string;
  stop(): Promise<void>;
}

export async function startBolt(ws: SlackWorkspace, register: (app: App) => void): Promise<BoltHarness> {
  const host = express();
  const receiver = new ExpressReceiver({
    signingSecret: ws.signingSecret,
    endpoints: "/slack/events",
    app: host,
  });
  const app = new App({
    token: ws.botToken,
    receiver,
    logLevel: LogLevel.ERROR,
    clientOptions: { slackApiUrl: ws.apiUrl, retryConfig: { retries: 0 } },
  });
  register(app);
  const server: Server = await new Promise((resolve) => {
    const s = host.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
  ws.setBoltUrl(url);
  return {
    app,
    url,
    stop: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export async function startWorkspace(
  client: MongoClient,
  dbName: string,
  opts: Partial<SlackWorkspaceOptions> = {},
): Promise<{ ws: SlackWorkspace; db: Db }> {
  const db = client.db(dbName);
  const ws = await startSlackWorkspace({ db, ...opts });
  return { ws, db };
}
