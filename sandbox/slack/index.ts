// Public entry: a simulated Slack workspace for the sandbox and the tests. The Slack app talks to it
// with the real Bolt/WebClient (point `clientOptions.slackApiUrl` at `apiUrl`); people's clicks, modal
// submissions, slash commands and messages reach the app as signed requests, as Slack sends them.
// Channels, messages and views live in the given MongoDB database (collections "slack_sim_*").
import { Activity, Delivery } from "./delivery.js";
import { CHANNEL_KEYS, USERS, type ChannelKey } from "./directory.js";
import { startApiServer, type RecordedCall } from "./api-server.js";
import { WebApiFaults } from "./faults.js";
import { Interactions } from "./interactions.js";
import { ReplyBook } from "./replies.js";
import { createSlackWorkspaceRouter } from "./router.js";
import { viewTitle } from "./shapes.js";
import { WorkspaceStore } from "./store.js";
import { InputError } from "./elements.js";
import { TriggerBook, WebApi } from "./web-api.js";

export type { SandboxSlackUser, SandboxChannel, ChannelKey } from "./directory.js";
export { slackSignature } from "./delivery.js";
export type { WebApiFault } from "./faults.js";

const DEFAULT_SIGNING_SECRET = "sandbox-signing-secret-not-for-production";
const DEFAULT_BOT_TOKEN = "xoxb-sandbox-0000000000-simulated-workspace";

export type {
  SlackWorkspace,
  SlackWorkspaceOptions,
  WorkspaceMessage,
  WorkspaceView,
  EphemeralMessage,
} from "./workspace.js";
import type { SlackWorkspace, SlackWorkspaceOptions } from "./workspace.js";

export async function startSlackWorkspace(opts: SlackWorkspaceOptions): Promise<SlackWorkspace> {
  const signingSecret = opts.signingSecret ?? DEFAULT_SIGNING_SECRET;
  const botToken = opts.botToken ?? DEFAULT_BOT_TOKEN;
  const store = new WorkspaceStore(opts.db);
  const names = Object.fromEntries(
    CHANNEL_KEYS.map((key) => [key, opts.channelNames?.[key]?.replace(/^#/, "") || key]),
  ) as Record<ChannelKey, string>;
  const channels = await store.open(names);

  const activity = new Activity();
  const triggers = new TriggerBook();
  const replies = new ReplyBook(store, activity);
  const delivery = new Delivery(signingSecret, opts.boltUrl);
  const webApi = new WebApi({ store, activity, triggers, botToken });
  const recorded: RecordedCall[] = [];
  const faults = new WebApiFaults();
  const server = await startApiServer({
    port: opts.port ?? 0,
    webApi,
    replies,
    activity,
    calls: recorded,
    faults,
  });
  const interactions = new Interactions({
    store,
    activity,
    delivery,
    replies,
    triggers,
    responseUrlBase: `${server.origin}/response/`,
    settle: {
      quietMs: opts.settleQuietMs ?? 300,
      idleMs: opts.settleIdleMs ?? 1_000,
      maxMs: opts.settleMaxMs ?? 5_000,
    },
  });

  const users = {
    admin: { ...USERS.admin, roles: [...USERS.admin.roles] },
    approver: { ...USERS.approver, roles: [...USERS.approver.roles] },
    member: { ...USERS.member, roles: [...USERS.member.roles] },
  };

  const channelId = async (ref: string): Promise<string> => {
    const doc = await store.findChannel(ref);
    if (!doc) throw new InputError(404, `no channel "${ref}" in the sandbox workspace`);
    return doc._id;
  };

  const workspace: SlackWorkspace = {
    apiUrl: server.apiUrl,
    botToken,
    signingSecret,
    users,
    adminUserIds: [users.admin.id],
    approverUserIds: [users.approver.id],
    channels,
    setBoltUrl: (url) => delivery.setBoltUrl(url),
    router: () => createSlackWorkspaceRouter(workspace),
    click: (a) => interactions.click(a),
    submitView: (a) => interactions.submitView(a),
    command: (a) => interactions.command(a),
    postMessage: (a) => interactions.postMessage(a),
    openHome: (userId) => interactions.openHome(userId),
    redeliverLast: () => interactions.redeliverLast(),
    async messages(channel) {
      const docs = await store.channelMessages(await channelId(channel));
      return docs.map((m) => ({
        channel: m.channel,
        ts: m.ts,
        text: m.text,
        blocks: m.blocks,
        ...(m.thread_ts ? { thread_ts: m.thread_ts } : {}),
        user: m.user,
      }));
    },
    async views() {
      const docs = await store.openModals();
      return docs.map((v) => ({
        id: v._id,
        userId: v.userId,
        callbackId: typeof v.definition["callback_id"] === "string" ? v.definition["callback_id"] : "",
        title: viewTitle(v),
        blocks: Array.isArray(v.definition["blocks"]) ? (v.definition["blocks"] as unknown[]) : [],
      }));
    },
    async ephemeral(userId) {
      const docs = await store.ephemeralFor(userId);
      return docs.map((e) => ({
        channel: e.channel,
        ts: e.ts,
        text: e.text,
        blocks: e.blocks,
        ...(e.thread_ts ? { thread_ts: e.thread_ts } : {}),
      }));
    },
    async home(userId) {
      const doc = await store.findHome(userId);
      if (!doc) return undefined;
      return {
        id: doc._id,
        blocks: Array.isArray(doc.definition["blocks"]) ? (doc.definition["blocks"] as unknown[]) : [],
      };
    },
    calls(method) {
      const all = method ? recorded.filter((c) => c.method === method) : recorded;
      return all.map((c) => ({
        method: c.method,
        args: c.args,
        ...(c.failedWith !== undefined ? { failedWith: c.failedWith } : {}),
      }));
    },
    failNextCalls: (method, ...failures) => faults.failNext(method, failures),
    pendingFaults: () => faults.pending(),
    stop: () => server.stop(),
  };
  return workspace;
}
