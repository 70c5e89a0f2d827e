// The Web API methods the Slack app calls, answered the way Slack answers them: HTTP 200 with
// {"ok": true, ...} or {"ok": false, "error": "<Slack's error code>"}. State goes to the store; whatever
// is shown to one person only is announced to the activity watchers.
import { randomBytes } from "node:crypto";
import { BOT, TEAM, USERS, WORKSPACE_URL, dmChannelId, findUser } from "./directory.js";
import type { Activity } from "./delivery.js";
import { channelObject, messageObject, permalink, userObject, viewObject } from "./shapes.js";
import type { ChannelDoc, MessageDoc, ViewDoc, WorkspaceStore } from "./store.js";
import { visibleText } from "./visible-text.js";

export type Args = Record<string, unknown>;
export type ApiAnswer = Record<string, unknown> & { ok: boolean };

/** A Slack API error: answered as {"ok": false, "error": code}. */
class SlackApiError extends Error {
  constructor(
    readonly code: string,
    readonly messages: string[] = [],
  ) {
    super(code);
  }
}

const TRIGGER_LIFETIME_MS = 3_000;
const MAX_TEXT = 40_000;
const MAX_MESSAGE_BLOCKS = 50;
const MAX_VIEW_BLOCKS = 100;

interface Trigger {
  userId: string;
  issuedAt: number;
  used: boolean;
}

export class TriggerBook {
  private readonly triggers = new Map<string, Trigger>();

  issue(userId: string): string {
    const now = Date.now();
    for (const [id, t] of this.triggers) if (now - t.issuedAt > 60_000) this.triggers.delete(id);
    const id = `${Math.floor(now / 1000)}.${Math.floor(Math.random() * 1e12)}.${randomBytes(16).toString("hex")}`;
    this.triggers.set(id, { userId, issuedAt: now, used: false });
    return id;
  }

  /** Slack lets a trigger open one view, within 3 seconds of the click. */
  exchange(id: unknown): Trigger {
    if (typeof id !== "string" || !id) throw new SlackApiError("invalid_arguments", ["missing trigger_id"]);
    const trigger = this.triggers.get(id);
    if (!trigger) throw new SlackApiError("invalid_trigger_id");
    if (trigger.used) throw new SlackApiError("exchanged_trigger_id");
    if (Date.now() - trigger.issuedAt > TRIGGER_LIFETIME_MS) throw new SlackApiError("expired_trigger_id");
    trigger.used = true;
    return trigger;
  }
}

function str(args: Args, key: string): string | undefined {
  const v = args[key];
  if (typeof v === "string") return v;
  if (typeof v === "number") return String(v);
  return undefined;
}

/**
 * Structured arguments arrive as JSON values (JSON body) or JSON strings (form body, as the WebClient
 * sends them); undefined when absent. `invalid` is the error a string that is not JSON gets.
 */
function jsonArg(args: Args, key: string, invalid: () => SlackApiError): unknown {
  const v = args[key];
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    throw invalid();
  }
}

function blocksArg(args: Args, key = "blocks"): unknown[] | undefined {
  const v = jsonArg(args, key, () => new SlackApiError("invalid_blocks_format"));
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) throw new SlackApiError("invalid_blocks_format");
  return v;
}

function objectArg(args: Args, key: string): Record<string, unknown> | undefined {
  const v = jsonArg(args, key, () => new SlackApiError("invalid_arguments", [`${key} is not valid JSON`]));
  if (v === undefined) return undefined;
  if (!v || typeof v !== "object" || Array.isArray(v)) {
    throw new SlackApiError("invalid_arguments", [`${key} must be an object`]);
  }
  return v as Record<string, unknown>;
}

function checkMessageBlocks(blocks: unknown[] | undefined): void {
  if (!blocks) return;
  const problems: string[] = [];
  if (blocks.length > MAX_MESSAGE_BLOCKS)
    problems.push(`must provide no more than ${MAX_MESSAGE_BLOCKS} items`);
  blocks.forEach((block, i) => {
    if (!block || typeof block !== "object" || typeof (block as Args)["type"] !== "string") {
      problems.push(`[ERROR] block ${i} must have a type [json-pointer:/blocks/${i}]`);
    }
  });
  if (problems.length) throw new SlackApiError("invalid_blocks", problems);
}

function plainTextLength(obj: unknown): number {
  if (!obj || typeof obj !== "object") return 0;
  const t = (obj as Args)["text"];
  return typeof t === "string" ? t.length : 0;
}

/** The view checks that trip apps most often on real Slack. */
function checkView(view: Record<string, unknown>, expectedTypes: string[]): "modal" | "home" {
  const type = view["type"];
  if (typeof type !== "string" || !expectedTypes.includes(type)) {
    throw new SlackApiError("invalid_arguments", [`view.type must be ${expectedTypes.join(" or ")}`]);
  }
  const problems: string[] = [];
  const blocks = view["blocks"];
  if (!Array.isArray(blocks))
    problems.push("[ERROR] missing required field: blocks [json-pointer:/view/blocks]");
  else if (blocks.length > MAX_VIEW_BLOCKS)
    problems.push(`[ERROR] must provide no more than ${MAX_VIEW_BLOCKS} items [json-pointer:/view/blocks]`);
  if (type === "modal") {
    if (!view["title"]) problems.push("[ERROR] missing required field: title [json-pointer:/view/title]");
    if (plainTextLength(view["title"]) > 24) {
      problems.push("[ERROR] must be less than 25 characters [json-pointer:/view/title/text]");
    }
    for (const key of ["submit", "close"]) {
      if (plainTextLength(view[key]) > 24) {
        problems.push(`[ERROR] must be less than 25 characters [json-pointer:/view/${key}/text]`);
      }
    }
    const hasInput = Array.isArray(blocks) && blocks.some((b) => (b as Args | null)?.["type"] === "input");
    if (hasInput && !view["submit"]) {
      problems.push("[ERROR] submit is required when an input block is present [json-pointer:/view/submit]");
    }
  }
  const meta = view["private_metadata"];
  if (typeof meta === "string" && meta.length > 3000) {
    problems.push("[ERROR] must be less than 3001 characters [json-pointer:/view/private_metadata]");
  }
  if (problems.length) throw new SlackApiError("invalid_arguments", problems);
  return type as "modal" | "home";
}

export interface WebApiDeps {
  store: WorkspaceStore;
  activity: Activity;
  triggers: TriggerBook;
  botToken: string;
}

type Method = (args: Args) => Promise<Record<string, unknown>>;

export class WebApi {
  private readonly methods: Record<string, Method>;

  constructor(private readonly deps: WebApiDeps) {
    this.methods = {
      "api.test": async (args) => ({ args }),
      "auth.test": async () => ({
        url: WORKSPACE_URL,
        team: TEAM.name,
        user: BOT.name,
        team_id: TEAM.id,
        user_id: BOT.userId,
        bot_id: BOT.botId,
        is_enterprise_install: false,
      }),
      "team.info": async () => ({ team: { id: TEAM.id, name: TEAM.name, domain: TEAM.domain } }),
      "bots.info": async () => ({
        bot: { id: BOT.botId, deleted: false, name: BOT.name, app_id: "A0SANDBOX", user_id: BOT.userId },
      }),
      "chat.postMessage": (args) => this.postMessage(args),
      "chat.update": (args) => this.update(args),
      "chat.delete": (args) => this.deleteMessage(args),
      "chat.postEphemeral": (args) => this.postEphemeral(args),
      "chat.getPermalink": (args) => this.getPermalink(args),
      "views.open": (args) => this.viewsOpen(args, false),
      "views.push": (args) => this.viewsOpen(args, true),
      "views.update": (args) => this.viewsUpdate(args),
      "views.publish": (args) => this.viewsPublish(args),
      "users.info": async (args) => {
        const user = userObject(str(args, "user") ?? "");
        if (!user) throw new SlackApiError("user_not_found");
        return { user };
      },
      "users.list": async () => ({
        members: [BOT.userId, ...Object.values(USERS).map((u) => u.id)].map((id) => userObject(id)),
        response_metadata: { next_cursor: "" },
      }),
      "conversations.list": async (args) => {
        const types = (str(args, "types") ?? "public_channel").split(",").map((t) => t.trim());
        const docs = await this.deps.store.channels.find().sort({ _id: 1 }).toArray();
        const wanted = docs.filter((d) =>
          d.dmUser ? types.includes("im") : types.includes("public_channel"),
        );
        return { channels: wanted.map(channelObject), response_metadata: { next_cursor: "" } };
      },
      "conversations.info": async (args) => ({ channel: channelObject(await this.channel(args, "channel")) }),
      "conversations.join": async (args) => ({ channel: channelObject(await this.channel(args, "channel")) }),
      "conversations.members": async (args) => {
        const channel = await this.channel(args, "channel");
        const members = channel.dmUser
          ? [channel.dmUser, BOT.userId]
          : [BOT.userId, ...Object.values(USERS).map((u) => u.id)];
        return { members, response_metadata: { next_cursor: "" } };
      },
      "conversations.open": async (args) => {
        const users = (str(args, "users") ?? "").split(",").filter((u) => u);
        const [user] = users;
        if (!user || users.length > 1) {
          throw new SlackApiError(users.length > 1 ? "not_supported" : "users_list_not_supplied");
        }
        if (!findUser(user)) throw new SlackApiError("user_not_found");
        const doc = await this.deps.store.dmChannel(user, dmChannelId(user));
        return { channel: { id: doc._id } };
      },
      "conversations.history": (args) => this.history(args),
      "conversations.replies": (args) => this.replies(args),
      "reactions.add": async (args) => {
        const channel = await this.channel(args, "channel");
        const ts = str(args, "timestamp") ?? "";
        if (!(await this.deps.store.findMessage(channel._id, ts)))
          throw new SlackApiError("message_not_found");
        if (!str(args, "name")) throw new SlackApiError("invalid_name");
        return {};
      },
    };
  }

  /** Answers one Web API call. `token` is the bearer token or the `token` form field. */
  async call(method: string, args: Args, token: string | undefined): Promise<ApiAnswer> {
    const handler = Object.hasOwn(this.methods, method) ? this.methods[method] : undefined;
    if (!handler) return { ok: false, error: "unknown_method" };
    if (method !== "api.test") {
      if (!token) return { ok: false, error: "not_authed" };
      if (token !== this.deps.botToken) return { ok: false, error: "invalid_auth" };
    }
    try {
      return { ok: true, ...(await handler(args)) };
    } catch (error) {
      if (error instanceof SlackApiError) {
        return {
          ok: false,
          error: error.code,
          ...(error.messages.length ? { response_metadata: { messages: error.messages } } : {}),
        };
      }
      throw error;
    }
  }

  /** A channel by id or name; a person's id means the bot's DM with them, as in Slack. */
  async channel(args: Args, key: string): Promise<ChannelDoc> {
    const ref = str(args, key);
    if (!ref) throw new SlackApiError("channel_not_found");
    const found = await this.deps.store.findChannel(ref);
    if (found) return found;
    if (/^[UW]/.test(ref) && findUser(ref)) return this.deps.store.dmChannel(ref, dmChannelId(ref));
    const dmOwner = Object.values(USERS).find((u) => dmChannelId(u.id) === ref);
    if (dmOwner) return this.deps.store.dmChannel(dmOwner.id, ref);
    throw new SlackApiError("channel_not_found");
  }

  private messageContent(args: Args): {
    text: string;
    blocks: unknown[] | undefined;
    attachments: unknown[] | undefined;
  } {
    const text = str(args, "text") ?? "";
    const blocks = blocksArg(args);
    const attachments = blocksArg(args, "attachments");
    if (text.length > MAX_TEXT) throw new SlackApiError("msg_too_long");
    checkMessageBlocks(blocks);
    return { text, blocks, attachments };
  }

  /** Replies go under the thread's parent, even when thread_ts names another reply. */
  private async threadParent(channel: string, threadTs: string | undefined): Promise<string | undefined> {
    if (!threadTs) return undefined;
    const parent = await this.deps.store.findMessage(channel, threadTs);
    if (!parent) throw new SlackApiError("thread_not_found");
    return parent.thread_ts ?? parent.ts;
  }

  private async postMessage(args: Args) {
    const channel = await this.channel(args, "channel");
    const { text, blocks, attachments } = this.messageContent(args);
    if (!text && !blocks?.length && !attachments?.length) throw new SlackApiError("no_text");
    const threadTs = await this.threadParent(channel._id, str(args, "thread_ts"));
    const doc = await this.deps.store.insertMessage({
      channel: channel._id,
      text,
      blocks: blocks ?? [],
      ...(attachments ? { attachments } : {}),
      ...(threadTs ? { thread_ts: threadTs } : {}),
      user: BOT.userId,
      bot_id: BOT.botId,
    });
    return { channel: channel._id, ts: doc.ts, message: messageObject(doc) };
  }

  private async update(args: Args) {
    const channel = await this.channel(args, "channel");
    const ts = str(args, "ts") ?? "";
    const doc = await this.deps.store.findMessage(channel._id, ts);
    if (!doc) throw new SlackApiError("message_not_found");
    if (doc.user !== BOT.userId) throw new SlackApiError("cant_update_message");
    const { text, blocks, attachments } = this.messageContent(args);
    // As in Slack: a field left out keeps its previous value; an empty blocks array removes the blocks.
    const next: MessageDoc = {
      ...doc,
      ...(args["text"] !== undefined ? { text } : {}),
      ...(blocks !== undefined ? { blocks } : args["blocks"] === "" ? { blocks: [] } : {}),
      ...(attachments !== undefined ? { attachments } : {}),
      edited: { user: BOT.userId, ts: this.deps.store.nextTs().ts },
    };
    if (!next.text && !next.blocks.length && !next.attachments?.length) throw new SlackApiError("no_text");
    await this.deps.store.replaceMessage(doc, next);
    return { channel: channel._id, ts, text: next.text, message: messageObject(next) };
  }

  private async deleteMessage(args: Args) {
    const channel = await this.channel(args, "channel");
    const ts = str(args, "ts") ?? "";
    const doc = await this.deps.store.findMessage(channel._id, ts);
    if (!doc) throw new SlackApiError("message_not_found");
    if (doc.user !== BOT.userId) throw new SlackApiError("cant_delete_message");
    await this.deps.store.deleteMessage(channel._id, ts);
    return { channel: channel._id, ts };
  }

  private async postEphemeral(args: Args) {
    const channel = await this.channel(args, "channel");
    const userId = str(args, "user") ?? "";
    if (!findUser(userId)) throw new SlackApiError("user_not_found");
    if (channel.dmUser && channel.dmUser !== userId) throw new SlackApiError("user_not_in_channel");
    const { text, blocks, attachments } = this.messageContent(args);
    if (!text && !blocks?.length && !attachments?.length) throw new SlackApiError("no_text");
    const threadTs = await this.threadParent(channel._id, str(args, "thread_ts"));
    const doc = await this.deps.store.insertEphemeral({
      channel: channel._id,
      user: userId,
      text,
      blocks: blocks ?? [],
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    this.deps.activity.shown({ user: userId, text: visibleText({ text, blocks }) });
    return { message_ts: doc.ts };
  }

  private async getPermalink(args: Args) {
    const channel = await this.channel(args, "channel");
    const doc = await this.deps.store.findMessage(channel._id, str(args, "message_ts") ?? "");
    if (!doc) throw new SlackApiError("message_not_found");
    return { channel: channel._id, permalink: permalink(channel._id, doc.ts, doc.thread_ts) };
  }

  private async withThreadInfo(doc: MessageDoc) {
    if (doc.thread_ts) return messageObject(doc);
    const replies = await this.deps.store.messages
      .find({ channel: doc.channel, thread_ts: doc.ts })
      .sort({ seq: 1 })
      .toArray();
    return messageObject(doc, { replyCount: replies.length, latestReply: replies.at(-1)?.ts });
  }

  private async history(args: Args) {
    const channel = await this.channel(args, "channel");
    const limit = Math.min(Math.max(Number(str(args, "limit") ?? 100) || 100, 1), 999);
    const all = await this.deps.store.channelMessages(channel._id);
    const top = all
      .filter((m) => !m.thread_ts)
      .reverse()
      .slice(0, limit);
    return {
      messages: await Promise.all(top.map((m) => this.withThreadInfo(m))),
      has_more: false,
      response_metadata: { next_cursor: "" },
    };
  }

  private async replies(args: Args) {
    const channel = await this.channel(args, "channel");
    const ts = str(args, "ts") ?? "";
    const start = await this.deps.store.findMessage(channel._id, ts);
    if (!start) throw new SlackApiError("thread_not_found");
    const parentTs = start.thread_ts ?? start.ts;
    const messages = await this.deps.store.threadMessages(channel._id, parentTs);
    return {
      messages: await Promise.all(messages.map((m) => this.withThreadInfo(m))),
      has_more: false,
      response_metadata: { next_cursor: "" },
    };
  }

  private async viewsOpen(args: Args, push: boolean) {
    const trigger = this.deps.triggers.exchange(args["trigger_id"]);
    const definition = objectArg(args, "view");
    if (!definition) throw new SlackApiError("invalid_arguments", ["missing view"]);
    checkView(definition, ["modal"]);
    const externalId = typeof definition["external_id"] === "string" ? definition["external_id"] : undefined;
    const { store } = this.deps;
    let parent: ViewDoc | undefined;
    if (push) {
      const open = await store.views
        .find({ userId: trigger.userId, type: "modal", open: true })
        .sort({ seq: -1 })
        .limit(1)
        .toArray();
      parent = open[0];
      if (!parent) throw new SlackApiError("not_found", ["no open view to push onto"]);
    } else {
      // A person sees one modal at a time: opening a new one replaces whatever they had open.
      await store.views.updateMany(
        { userId: trigger.userId, type: "modal", open: true },
        { $set: { open: false } },
      );
    }
    const doc = await store.insertView({
      userId: trigger.userId,
      type: "modal",
      definition,
      open: true,
      ...(parent ? { rootViewId: parent.rootViewId, previousViewId: parent._id } : {}),
      ...(externalId ? { externalId } : {}),
    });
    this.deps.activity.shown({ user: trigger.userId, text: "" });
    return { view: viewObject(doc) };
  }

  private async viewsUpdate(args: Args) {
    const definition = objectArg(args, "view");
    if (!definition) throw new SlackApiError("invalid_arguments", ["missing view"]);
    const viewId = str(args, "view_id");
    const externalId = str(args, "external_id");
    if (!viewId && !externalId)
      throw new SlackApiError("invalid_arguments", ["view_id or external_id is required"]);
    const doc = viewId
      ? await this.deps.store.findView(viewId)
      : await this.deps.store.findViewByExternalId(externalId!);
    if (!doc) throw new SlackApiError("not_found");
    const hash = str(args, "hash");
    if (hash && hash !== doc.hash) throw new SlackApiError("hash_conflict");
    checkView(definition, [doc.type]);
    const newExternal = typeof definition["external_id"] === "string" ? definition["external_id"] : undefined;
    const updated = await this.deps.store.updateView(doc._id, definition, newExternal);
    return { view: viewObject(updated) };
  }

  private async viewsPublish(args: Args) {
    const userId = str(args, "user_id") ?? "";
    if (!findUser(userId)) throw new SlackApiError("user_not_found");
    const definition = objectArg(args, "view");
    if (!definition) throw new SlackApiError("invalid_arguments", ["missing view"]);
    checkView(definition, ["home"]);
    const existing = await this.deps.store.findHome(userId);
    const hash = str(args, "hash");
    if (existing && hash && hash !== existing.hash) throw new SlackApiError("hash_conflict");
    const doc = existing
      ? await this.deps.store.updateView(existing._id, definition)
      : await this.deps.store.insertView({ userId, type: "home", definition, open: true });
    return { view: viewObject(doc) };
  }
}
