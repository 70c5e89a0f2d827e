// What the simulated Slack workspace offers (its options and its face), apart from how it is started,
// so the HTTP router and the entry point both depend on it and not on each other.
import type { Router } from "express";
import type { Db } from "mongodb";
import type { ChannelKey, SandboxChannel, SandboxSlackUser } from "./directory.js";
import type { WebApiFault } from "./faults.js";

export interface SlackWorkspaceOptions {
  /** The sandbox's MongoDB database: channels, messages and views persist there (collections "slack_sim_*"). */
  db: Db;
  /** Default: a fixed development secret. */
  signingSecret?: string;
  /** Default: "xoxb-sandbox-...". */
  botToken?: string;
  /** Port of its fake Web API server; 0/undefined = a free port. */
  port?: number;
  /** Full URL of the Slack app's endpoint, e.g. http://127.0.0.1:3000/slack/events. */
  boltUrl?: string;
  /** Channel names (default: approvals, handoff, ops, sales), as the app's configuration names them. */
  channelNames?: Partial<Record<ChannelKey, string>>;
  /** How long without Web API calls counts as "the app's work has settled" (default 300 ms). */
  settleQuietMs?: number;
  /** The same while the app has made no Web API call since the interaction (default 1 s). */
  settleIdleMs?: number;
  /** Longest wait for what a person sees after an interaction (default 5 s). */
  settleMaxMs?: number;
}

export interface WorkspaceMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
  user?: string;
}

export interface WorkspaceView {
  id: string;
  userId: string;
  callbackId: string;
  title: string;
  blocks: unknown[];
}

export interface EphemeralMessage {
  channel: string;
  ts: string;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
}

export interface SlackWorkspace {
  /** Pass as Bolt `clientOptions.slackApiUrl` (ends with "/"). */
  apiUrl: string;
  botToken: string;
  signingSecret: string;
  users: { admin: SandboxSlackUser; approver: SandboxSlackUser; member: SandboxSlackUser };
  /** [admin.id] */
  adminUserIds: string[];
  /** [approver.id] (admins may approve too, by the app's rule). */
  approverUserIds: string[];
  channels: Record<ChannelKey, SandboxChannel>;
  setBoltUrl(url: string): void;
  /** Express router serving the exact /sandbox/slack/* HTTP API (mount on the sandbox page server). */
  router(): Router;
  click(a: {
    channel: string;
    ts: string;
    actionId: string;
    value?: string;
    userId: string;
  }): Promise<{ status: number; ephemeral: string[] }>;
  submitView(a: {
    viewId: string;
    values: Record<string, Record<string, string>>;
    userId: string;
  }): Promise<{ status: number; errors?: Record<string, string>; ephemeral: string[] }>;
  /** `channel` (id or name) defaults to the person's direct messages with the bot. */
  command(a: {
    command: string;
    text: string;
    userId: string;
    channel?: string;
  }): Promise<{ status: number; response: string }>;
  postMessage(a: {
    channel: string;
    text: string;
    userId: string;
    thread_ts?: string;
  }): Promise<{ ts: string; status: number }>;
  /** The person opens the app's Home tab (an `app_home_opened` event). */
  openHome(userId: string): Promise<{ status: number }>;
  /**
   * Sends the last request to the app again, as Slack retries one it thinks failed
   * (X-Slack-Retry-Num 1, 2, ...; X-Slack-Retry-Reason http_timeout).
   */
  redeliverLast(): Promise<{ status: number }>;
  /** Every message of a channel (id or name) in its latest version, oldest first, thread replies included. */
  messages(channel: string): Promise<WorkspaceMessage[]>;
  /** Open modals, oldest first. */
  views(): Promise<WorkspaceView[]>;
  /** What was shown to one person only (ephemeral messages, response_url replies), oldest first. */
  ephemeral(userId: string): Promise<EphemeralMessage[]>;
  /** The App Home a person sees (the last views.publish for them). */
  home(userId: string): Promise<{ id: string; blocks: unknown[] } | undefined>;
  /**
   * Web API calls received, newest last (method + args; "response_url" for response_url posts);
   * `failedWith` is the HTTP status of an injected failure (failNextCalls).
   */
  calls(method?: string): Array<{ method: string; args: Record<string, unknown>; failedWith?: number }>;
  /**
   * Tests: the next calls of a Web API method fail before it runs, one failure per call, as Slack
   * answers them: `{ kind: "http_500" }` (HTTP 500) or `{ kind: "ratelimited", retryAfterSeconds }`
   * (HTTP 429, Retry-After, {"ok": false, "error": "ratelimited"}). A failed call does nothing.
   */
  failNextCalls(method: string, ...failures: WebApiFault[]): void;
  /** Injected failures not answered yet. */
  pendingFaults(): number;
  stop(): Promise<void>;
}
