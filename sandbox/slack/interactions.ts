// What people do in the workspace, delivered to the Slack app as Slack delivers it: clicks
// (block_actions), modal submissions (view_submission), slash commands and channel messages (Events
// API). Each answers with Bolt's HTTP status and what the person saw as a result, collected until the
// app's work after its ack settles.
import { randomBytes, randomUUID } from "node:crypto";
import {
  APP_ID,
  BOT,
  TEAM,
  VERIFICATION_TOKEN,
  dmChannelId,
  findUser,
  type SandboxSlackUser,
} from "./directory.js";
import type { Activity, BoltAnswer, Delivery, ShownToUser } from "./delivery.js";
import {
  InputError,
  actionPayload,
  findClickTarget,
  viewState,
  withBlockIds,
  type PlacedElement,
} from "./elements.js";
import type { ReplyBook, ReplyContext } from "./replies.js";
import { replySchema } from "./replies.js";
import { messageObject, payloadUser, viewObject } from "./shapes.js";
import type { ChannelDoc, MessageDoc, WorkspaceStore } from "./store.js";
import type { TriggerBook } from "./web-api.js";

export interface SettleTimes {
  /** Quiet time without Web API calls after which the app's work counts as settled. */
  quietMs: number;
  /** The same while the app has made no Web API call at all since the delivery. */
  idleMs: number;
  /** Longest wait for the app's work. */
  maxMs: number;
}

export interface InteractionDeps {
  store: WorkspaceStore;
  activity: Activity;
  delivery: Delivery;
  replies: ReplyBook;
  triggers: TriggerBook;
  responseUrlBase: string;
  settle: SettleTimes;
}

type Json = Record<string, unknown>;

function person(userId: string): SandboxSlackUser {
  const user = findUser(userId);
  if (!user) throw new InputError(400, `userId "${userId}" is not a person in the sandbox workspace`);
  return user;
}

function parseJson(answer: BoltAnswer): Json | undefined {
  if (!answer.body.trim()) return undefined;
  try {
    const value: unknown = JSON.parse(answer.body);
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Json) : undefined;
  } catch {
    return undefined;
  }
}

export class Interactions {
  constructor(private readonly deps: InteractionDeps) {}

  private async channel(ref: string): Promise<ChannelDoc> {
    const { store } = this.deps;
    const found = await store.findChannel(ref);
    if (found) return found;
    throw new InputError(404, `no channel "${ref}" in the sandbox workspace`);
  }

  private channelName(channel: ChannelDoc): string {
    return channel.dmUser ? "directmessage" : channel.name;
  }

  /**
   * Runs one delivery and collects what the person sees: replies to this interaction's response_url,
   * and ephemeral messages posted to them, until the app's work settles.
   */
  private async collect(
    userId: string,
    reply: ReplyContext | undefined,
    deliver: () => Promise<BoltAnswer>,
  ): Promise<{ answer: BoltAnswer; finish: (o?: { expectReply?: boolean }) => Promise<string[]> }> {
    const { activity, settle } = this.deps;
    const started = Date.now();
    const requestsBefore = activity.requestCount;
    const shown: string[] = [];
    let answered = false;
    const stop = activity.watch((item: ShownToUser) => {
      const mine = item.responseUrlId ? item.responseUrlId === reply?.id : item.user === userId;
      if (!mine) return;
      answered = true;
      if (item.text) shown.push(item.text);
    });
    let answer: BoltAnswer;
    try {
      answer = await deliver();
    } catch (error) {
      stop();
      throw error;
    }
    activity.touch();
    return {
      answer,
      finish: async ({ expectReply = false } = {}) => {
        // Until the app makes its first Web API call it may still be at work (database, events), so
        // the quiet time is longer then; a slash command that acked with nothing owes its person a
        // reply (a message, or a modal it opens).
        await activity.settle({
          quietMs: () => (activity.requestCount === requestsBefore ? settle.idleMs : settle.quietMs),
          ready: () => !expectReply || answer.status !== 200 || answered,
          deadline: started + settle.maxMs,
        });
        stop();
        return shown;
      },
    };
  }

  async click(a: { channel: string; ts: string; actionId: string; value?: string; userId: string }) {
    const { store, replies, triggers, delivery, responseUrlBase } = this.deps;
    const user = person(a.userId);
    const channel = await this.channel(a.channel);
    const message: MessageDoc | undefined = await store.findMessage(channel._id, a.ts);
    let ephemeralBlocks: unknown[] | undefined;
    if (!message) {
      const eph = await store.findEphemeral(user.id, channel._id, a.ts);
      if (!eph) throw new InputError(404, `no message ${a.ts} in channel "${a.channel}"`);
      ephemeralBlocks = eph.blocks;
    }
    // The message as this person's screen shows it: the latest version, or an earlier one that still
    // had the button (their screen had not refreshed yet when they clicked).
    const versions = message
      ? [{ text: message.text, blocks: message.blocks }, ...(message.previous ?? []).toReversed()]
      : [{ text: "", blocks: ephemeralBlocks ?? [] }];
    let seen = versions[0]!;
    let target: PlacedElement | undefined;
    for (const version of versions) {
      try {
        target = findClickTarget(version.blocks, a.actionId, a.value);
        seen = version;
        break;
      } catch (error) {
        if (!(error instanceof InputError) || error.status !== 404) throw error;
      }
    }
    if (!target) target = findClickTarget(versions[0]!.blocks, a.actionId, a.value);
    const actionTs = store.nextTs().ts;
    const action = actionPayload(target, a.value, actionTs);
    const reply = replies.create({
      userId: user.id,
      channel: channel._id,
      original: { ts: a.ts, ephemeral: !message },
    });
    const payload = {
      type: "block_actions",
      user: payloadUser(user),
      api_app_id: APP_ID,
      token: VERIFICATION_TOKEN,
      container: {
        type: "message",
        message_ts: a.ts,
        channel_id: channel._id,
        is_ephemeral: !message,
        ...(message?.thread_ts ? { thread_ts: message.thread_ts } : {}),
      },
      trigger_id: triggers.issue(user.id),
      team: { id: TEAM.id, domain: TEAM.domain },
      enterprise: null,
      is_enterprise_install: false,
      channel: { id: channel._id, name: this.channelName(channel) },
      ...(message
        ? { message: { ...messageObject(message), text: seen.text, blocks: withBlockIds(seen.blocks) } }
        : {}),
      state: { values: {} },
      response_url: `${responseUrlBase}${reply.id}`,
      actions: [action],
    };
    const run = await this.collect(user.id, reply, () => delivery.interaction(payload));
    const ephemeral = await run.finish();
    return { status: run.answer.status, ephemeral };
  }

  async submitView(a: { viewId: string; values: Record<string, Record<string, string>>; userId: string }) {
    const { store, triggers, delivery } = this.deps;
    const user = person(a.userId);
    const view = await store.findView(a.viewId);
    if (!view || view.type !== "modal" || !view.open || view.userId !== user.id) {
      throw new InputError(404, `no open view "${a.viewId}" for user ${user.id}`);
    }
    const blocks = Array.isArray(view.definition["blocks"]) ? (view.definition["blocks"] as unknown[]) : [];
    const values = viewState(blocks, a.values);
    const payload = {
      type: "view_submission",
      team: { id: TEAM.id, domain: TEAM.domain },
      user: payloadUser(user),
      api_app_id: APP_ID,
      token: VERIFICATION_TOKEN,
      trigger_id: triggers.issue(user.id),
      view: { ...viewObject(view, values), blocks: withBlockIds(blocks) },
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    };
    const run = await this.collect(user.id, undefined, () => delivery.interaction(payload));
    const { status } = run.answer;
    let errors: Record<string, string> | undefined;
    if (status === 200) {
      const body = parseJson(run.answer);
      const action = body?.["response_action"];
      if (action === "errors") {
        errors = (body?.["errors"] ?? {}) as Record<string, string>;
      } else if (action === "update" && body?.["view"] && typeof body["view"] === "object") {
        await store.updateView(view._id, body["view"] as Json);
      } else if (action === "push" && body?.["view"] && typeof body["view"] === "object") {
        await store.insertView({
          userId: user.id,
          type: "modal",
          definition: body["view"] as Json,
          open: true,
          rootViewId: view.rootViewId,
          previousViewId: view._id,
        });
      } else if (action === "clear") {
        await store.closeStack(view.rootViewId);
      } else {
        // A plain ack closes the submitted view; a view below it in the stack shows again.
        await store.closeView(view._id);
      }
    }
    const ephemeral = await run.finish();
    return { status, ...(errors ? { errors } : {}), ephemeral };
  }

  async command(a: { command: string; text: string; userId: string; channel?: string }) {
    const { store, replies, triggers, delivery, responseUrlBase } = this.deps;
    const user = person(a.userId);
    // Without a channel, the person types the command in their direct messages with the bot.
    const channel = a.channel
      ? await this.channel(a.channel)
      : await store.dmChannel(user.id, dmChannelId(user.id));
    const reply = replies.create({ userId: user.id, channel: channel._id });
    const fields = {
      token: VERIFICATION_TOKEN,
      team_id: TEAM.id,
      team_domain: TEAM.domain,
      channel_id: channel._id,
      channel_name: this.channelName(channel),
      user_id: user.id,
      user_name: user.name,
      command: a.command,
      text: a.text,
      api_app_id: APP_ID,
      is_enterprise_install: "false",
      response_url: `${responseUrlBase}${reply.id}`,
      trigger_id: triggers.issue(user.id),
    };
    const run = await this.collect(user.id, reply, () => delivery.command(fields));
    const { answer } = run;
    // The ack may carry the answer itself: a message object, or plain text.
    if (answer.status === 200 && answer.body.trim()) {
      const json = parseJson(answer);
      const parsed = json ? replySchema.safeParse(json) : undefined;
      if (parsed?.success) await replies.apply(reply, parsed.data);
      else if (!json) await replies.apply(reply, { text: answer.body });
    }
    const shown = await run.finish({ expectReply: true });
    return { status: answer.status, response: shown.join("\n") };
  }

  async postMessage(a: { channel: string; text: string; userId: string; thread_ts?: string }) {
    const { store, delivery } = this.deps;
    const user = person(a.userId);
    const channel = await this.channel(a.channel);
    let threadTs: string | undefined;
    let parentUser: string | undefined;
    if (a.thread_ts) {
      const parent = await store.findMessage(channel._id, a.thread_ts);
      if (!parent)
        throw new InputError(404, `no message ${a.thread_ts} in channel "${a.channel}" to reply to`);
      threadTs = parent.thread_ts ?? parent.ts;
      parentUser = parent.thread_ts ? (await store.findMessage(channel._id, threadTs))?.user : parent.user;
    }
    const blocks = [
      {
        type: "rich_text",
        block_id: randomBytes(3).toString("base64url"),
        elements: [{ type: "rich_text_section", elements: [{ type: "text", text: a.text }] }],
      },
    ];
    delivery.assertConnected();
    const doc = await store.insertMessage({
      channel: channel._id,
      text: a.text,
      blocks,
      user: user.id,
      ...(threadTs ? { thread_ts: threadTs } : {}),
    });
    const envelope = this.envelope({
      type: "message",
      user: user.id,
      text: a.text,
      blocks,
      client_msg_id: randomUUID(),
      ts: doc.ts,
      team: TEAM.id,
      channel: channel._id,
      event_ts: doc.ts,
      channel_type: channel.dmUser ? "im" : "channel",
      ...(threadTs ? { thread_ts: threadTs, parent_user_id: parentUser ?? BOT.userId } : {}),
    });
    const run = await this.collect(user.id, undefined, () => delivery.event(envelope));
    await run.finish();
    return { ts: doc.ts, status: run.answer.status };
  }

  /** The person opens the app's Home tab: an `app_home_opened` event, as Slack sends it. */
  async openHome(userId: string) {
    const { store, delivery } = this.deps;
    const user = person(userId);
    const dm = await store.dmChannel(user.id, dmChannelId(user.id));
    const home = await store.findHome(user.id);
    const eventTs = store.nextTs().ts;
    const envelope = this.envelope({
      type: "app_home_opened",
      user: user.id,
      channel: dm._id,
      tab: "home",
      event_ts: eventTs,
      ...(home ? { view: viewObject(home) } : {}),
    });
    const run = await this.collect(user.id, undefined, () => delivery.event(envelope));
    await run.finish();
    return { status: run.answer.status };
  }

  /** Sends the last delivery again, as Slack retries it (X-Slack-Retry-Num). */
  async redeliverLast() {
    const run = await this.collect("", undefined, () => this.deps.delivery.redeliverLast());
    await run.finish();
    return { status: run.answer.status };
  }

  private envelope(event: Json): Json {
    return {
      token: VERIFICATION_TOKEN,
      team_id: TEAM.id,
      context_team_id: TEAM.id,
      api_app_id: APP_ID,
      event,
      type: "event_callback",
      event_id: `Ev${randomBytes(8).toString("hex").toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [
        {
          enterprise_id: null,
          team_id: TEAM.id,
          user_id: BOT.userId,
          is_bot: true,
          is_enterprise_install: false,
        },
      ],
      is_ext_shared_channel: false,
      event_context: `4-${randomBytes(12).toString("base64url")}`,
    };
  }
}
