// The objects Slack's Web API answers with and puts into payloads, built from what the store keeps.
import { APP_ID, BOT, TEAM, WORKSPACE_URL, findUser, type SandboxSlackUser } from "./directory.js";
import type { ChannelDoc, MessageDoc, ViewDoc } from "./store.js";

export function realName(user: SandboxSlackUser): string {
  return user.name
    .split(".")
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(" ");
}

export function userObject(id: string): Record<string, unknown> | undefined {
  if (id === BOT.userId) {
    return {
      id: BOT.userId,
      team_id: TEAM.id,
      name: BOT.name,
      real_name: "Sales Bot",
      deleted: false,
      is_bot: true,
      is_admin: false,
      is_owner: false,
      is_app_user: false,
      profile: { real_name: "Sales Bot", display_name: BOT.name, bot_id: BOT.botId },
    };
  }
  const user = findUser(id);
  if (!user) return undefined;
  const name = realName(user);
  return {
    id: user.id,
    team_id: TEAM.id,
    name: user.name,
    real_name: name,
    deleted: false,
    is_bot: false,
    is_admin: user.roles.includes("admin"),
    is_owner: false,
    is_app_user: false,
    tz: "America/Mexico_City",
    tz_label: "Central Standard Time",
    tz_offset: -21600,
    profile: {
      real_name: name,
      display_name: user.name,
      email: `${user.name}@sandbox.invalid`,
    },
  };
}

export function payloadUser(user: SandboxSlackUser): Record<string, unknown> {
  return { id: user.id, username: user.name, name: user.name, team_id: TEAM.id };
}

export function channelObject(doc: ChannelDoc): Record<string, unknown> {
  if (doc.dmUser) {
    return {
      id: doc._id,
      created: doc.created,
      is_im: true,
      is_org_shared: false,
      user: doc.dmUser,
      is_open: true,
    };
  }
  return {
    id: doc._id,
    name: doc.name,
    name_normalized: doc.name,
    created: doc.created,
    creator: BOT.userId,
    is_channel: true,
    is_group: false,
    is_im: false,
    is_private: false,
    is_archived: false,
    is_general: false,
    is_member: true,
    is_shared: false,
    is_ext_shared: false,
    is_org_shared: false,
    topic: { value: "", creator: "", last_set: 0 },
    purpose: { value: "", creator: "", last_set: 0 },
    num_members: 4,
  };
}

export function messageObject(doc: MessageDoc, thread?: { replyCount: number; latestReply?: string }) {
  return {
    type: "message",
    user: doc.user,
    ...(doc.bot_id ? { bot_id: doc.bot_id, app_id: APP_ID } : {}),
    text: doc.text,
    blocks: doc.blocks,
    ...(doc.attachments ? { attachments: doc.attachments } : {}),
    ts: doc.ts,
    team: TEAM.id,
    ...(doc.thread_ts ? { thread_ts: doc.thread_ts } : {}),
    ...(thread && thread.replyCount > 0
      ? { thread_ts: doc.ts, reply_count: thread.replyCount, latest_reply: thread.latestReply }
      : {}),
    ...(doc.edited ? { edited: doc.edited } : {}),
  };
}

export function permalink(channel: string, ts: string, threadTs?: string): string {
  const base = `${WORKSPACE_URL}archives/${channel}/p${ts.replace(".", "")}`;
  return threadTs ? `${base}?thread_ts=${threadTs}&cid=${channel}` : base;
}

/** Slack's view object. `values` is the state of the inputs (empty until someone submits). */
export function viewObject(doc: ViewDoc, values: Record<string, unknown> = {}): Record<string, unknown> {
  const d = doc.definition;
  return {
    id: doc._id,
    team_id: TEAM.id,
    type: doc.type,
    blocks: Array.isArray(d["blocks"]) ? d["blocks"] : [],
    private_metadata: typeof d["private_metadata"] === "string" ? d["private_metadata"] : "",
    callback_id: typeof d["callback_id"] === "string" ? d["callback_id"] : "",
    state: { values },
    hash: doc.hash,
    title: d["title"] ?? null,
    clear_on_close: d["clear_on_close"] === true,
    notify_on_close: d["notify_on_close"] === true,
    close: d["close"] ?? null,
    submit: d["submit"] ?? null,
    previous_view_id: doc.previousViewId ?? null,
    root_view_id: doc.rootViewId,
    app_id: APP_ID,
    external_id: doc.externalId ?? "",
    app_installed_team_id: TEAM.id,
    bot_id: BOT.botId,
  };
}

export function viewTitle(doc: ViewDoc): string {
  const title = doc.definition["title"];
  if (title && typeof title === "object" && typeof (title as { text?: unknown }).text === "string") {
    return (title as { text: string }).text;
  }
  return "";
}
