// The workspace's memory in MongoDB: channels, every message in its latest version (thread replies
// included), what was shown to one person only, and views. Kept in the sandbox's database so a restart
// of the sandbox keeps the Slack history.
import { randomBytes } from "node:crypto";
import type { Collection, Db } from "mongodb";
import { CHANNEL_IDS, CHANNEL_KEYS, type ChannelKey, type SandboxChannel } from "./directory.js";

export const COLLECTIONS = {
  channels: "slack_sim_channels",
  messages: "slack_sim_messages",
  ephemeral: "slack_sim_ephemeral",
  views: "slack_sim_views",
} as const;

export interface ChannelDoc {
  _id: string;
  name: string;
  created: number;
  /** A direct-message channel between this person and the bot. */
  dmUser?: string;
}

export interface MessageDoc {
  _id: string;
  channel: string;
  ts: string;
  seq: number;
  text: string;
  blocks: unknown[];
  attachments?: unknown[];
  thread_ts?: string;
  /** The author: a person, or the bot's user id for the bot's posts. */
  user: string;
  bot_id?: string;
  edited?: { user: string; ts: string };
  /** Earlier versions, oldest first: a person whose screen had not refreshed yet still sees one. */
  previous?: Array<{ text: string; blocks: unknown[] }>;
}

export interface EphemeralDoc {
  _id: string;
  channel: string;
  user: string;
  ts: string;
  seq: number;
  text: string;
  blocks: unknown[];
  thread_ts?: string;
}

export interface ViewDoc {
  _id: string;
  userId: string;
  type: "modal" | "home";
  /** The view as the app defined it (callback_id, title, blocks, private_metadata, submit, ...). */
  definition: Record<string, unknown>;
  hash: string;
  open: boolean;
  rootViewId: string;
  previousViewId?: string;
  externalId?: string;
  seq: number;
}

export type MessageFields = Omit<MessageDoc, "_id" | "ts" | "seq" | "previous">;

const MAX_PREVIOUS_VERSIONS = 20;

export class WorkspaceStore {
  readonly channels: Collection<ChannelDoc>;
  readonly messages: Collection<MessageDoc>;
  readonly ephemeral: Collection<EphemeralDoc>;
  readonly views: Collection<ViewDoc>;
  private lastMicros = 0;

  constructor(db: Db) {
    this.channels = db.collection<ChannelDoc>(COLLECTIONS.channels);
    this.messages = db.collection<MessageDoc>(COLLECTIONS.messages);
    this.ephemeral = db.collection<EphemeralDoc>(COLLECTIONS.ephemeral);
    this.views = db.collection<ViewDoc>(COLLECTIONS.views);
  }

  /** Creates the product's channels (names may be configured) and resumes the message clock. */
  async open(names: Record<ChannelKey, string>): Promise<Record<ChannelKey, SandboxChannel>> {
    const created = Math.floor(Date.now() / 1000);
    const result = {} as Record<ChannelKey, SandboxChannel>;
    for (const key of CHANNEL_KEYS) {
      const id = CHANNEL_IDS[key];
      const name = names[key];
      await this.channels.updateOne(
        { _id: id },
        { $set: { name }, $setOnInsert: { created } },
        { upsert: true },
      );
      result[key] = { id, name };
    }
    await this.messages.createIndex({ channel: 1, seq: 1 });
    await this.ephemeral.createIndex({ user: 1, seq: 1 });
    const [lastMessage] = await this.messages.find().sort({ seq: -1 }).limit(1).toArray();
    const [lastEphemeral] = await this.ephemeral.find().sort({ seq: -1 }).limit(1).toArray();
    this.lastMicros = Math.max(lastMessage?.seq ?? 0, lastEphemeral?.seq ?? 0);
    return result;
  }

  /** Slack message timestamps: seconds.microseconds, unique and increasing across restarts. */
  nextTs(): { ts: string; seq: number } {
    const micros = Math.max(Date.now() * 1000, this.lastMicros + 1);
    this.lastMicros = micros;
    const seconds = Math.floor(micros / 1_000_000);
    const fraction = String(micros % 1_000_000).padStart(6, "0");
    return { ts: `${seconds}.${fraction}`, seq: micros };
  }

  async channelList(): Promise<ChannelDoc[]> {
    return this.channels
      .find({ dmUser: { $exists: false } })
      .sort({ _id: 1 })
      .toArray();
  }

  /** A channel by id or by name (with or without "#"), as chat.postMessage accepts it. */
  async findChannel(idOrName: string): Promise<ChannelDoc | undefined> {
    const key = idOrName.replace(/^#/, "");
    const doc = (await this.channels.findOne({ _id: key })) ?? (await this.channels.findOne({ name: key }));
    return doc ?? undefined;
  }

  async dmChannel(userId: string, id: string): Promise<ChannelDoc> {
    await this.channels.updateOne(
      { _id: id },
      {
        $setOnInsert: {
          name: `dm-${userId.toLowerCase()}`,
          dmUser: userId,
          created: Math.floor(Date.now() / 1000),
        },
      },
      { upsert: true },
    );
    return (await this.channels.findOne({ _id: id }))!;
  }

  async insertMessage(fields: MessageFields): Promise<MessageDoc> {
    const { ts, seq } = this.nextTs();
    const doc: MessageDoc = { _id: `${fields.channel}:${ts}`, ts, seq, ...fields };
    await this.messages.insertOne(doc);
    return doc;
  }

  async findMessage(channel: string, ts: string): Promise<MessageDoc | undefined> {
    return (await this.messages.findOne({ _id: `${channel}:${ts}` })) ?? undefined;
  }

  /** Stores a new version of a message, remembering the one it replaces. */
  async replaceMessage(current: MessageDoc, next: MessageDoc): Promise<void> {
    const previous = [...(current.previous ?? []), { text: current.text, blocks: current.blocks }];
    await this.messages.replaceOne(
      { _id: current._id },
      { ...next, previous: previous.slice(-MAX_PREVIOUS_VERSIONS) },
    );
  }

  async deleteMessage(channel: string, ts: string): Promise<boolean> {
    const result = await this.messages.deleteOne({ _id: `${channel}:${ts}` });
    return result.deletedCount === 1;
  }

  async channelMessages(channel: string): Promise<MessageDoc[]> {
    return this.messages.find({ channel }).sort({ seq: 1 }).toArray();
  }

  async threadMessages(channel: string, threadTs: string): Promise<MessageDoc[]> {
    return this.messages
      .find({ channel, $or: [{ ts: threadTs }, { thread_ts: threadTs }] })
      .sort({ seq: 1 })
      .toArray();
  }

  async insertEphemeral(fields: Omit<EphemeralDoc, "_id" | "ts" | "seq">): Promise<EphemeralDoc> {
    const { ts, seq } = this.nextTs();
    const doc: EphemeralDoc = { _id: `${fields.user}:${fields.channel}:${ts}`, ts, seq, ...fields };
    await this.ephemeral.insertOne(doc);
    return doc;
  }

  async findEphemeral(user: string, channel: string, ts: string): Promise<EphemeralDoc | undefined> {
    return (await this.ephemeral.findOne({ _id: `${user}:${channel}:${ts}` })) ?? undefined;
  }

  async replaceEphemeral(doc: EphemeralDoc): Promise<void> {
    await this.ephemeral.replaceOne({ _id: doc._id }, doc);
  }

  async deleteEphemeral(doc: EphemeralDoc): Promise<void> {
    await this.ephemeral.deleteOne({ _id: doc._id });
  }

  async ephemeralFor(user: string): Promise<EphemeralDoc[]> {
    return this.ephemeral.find({ user }).sort({ seq: 1 }).toArray();
  }

  async insertView(
    fields: Omit<ViewDoc, "_id" | "seq" | "hash" | "rootViewId"> & { rootViewId?: string },
  ): Promise<ViewDoc> {
    const id = newViewId();
    const doc: ViewDoc = {
      _id: id,
      seq: this.nextTs().seq,
      hash: newHash(),
      ...fields,
      rootViewId: fields.rootViewId ?? id,
    };
    await this.views.insertOne(doc);
    return doc;
  }

  async findView(id: string): Promise<ViewDoc | undefined> {
    return (await this.views.findOne({ _id: id })) ?? undefined;
  }

  async findViewByExternalId(externalId: string): Promise<ViewDoc | undefined> {
    return (await this.views.findOne({ externalId })) ?? undefined;
  }

  async findHome(userId: string): Promise<ViewDoc | undefined> {
    return (await this.views.findOne({ type: "home", userId })) ?? undefined;
  }

  /** Replaces a view's content in place; a new hash marks the new version. */
  async updateView(id: string, definition: Record<string, unknown>, externalId?: string): Promise<ViewDoc> {
    const update: Partial<ViewDoc> = { definition, hash: newHash() };
    if (externalId !== undefined) update.externalId = externalId;
    await this.views.updateOne({ _id: id }, { $set: update });
    return (await this.findView(id))!;
  }

  async closeView(id: string): Promise<void> {
    await this.views.updateOne({ _id: id }, { $set: { open: false } });
  }

  async closeStack(rootViewId: string): Promise<void> {
    await this.views.updateMany({ rootViewId }, { $set: { open: false } });
  }

  async openModals(): Promise<ViewDoc[]> {
    return this.views.find({ type: "modal", open: true }).sort({ seq: 1 }).toArray();
  }
}

function newViewId(): string {
  return `V${randomBytes(8).toString("hex").toUpperCase().slice(0, 10)}`;
}

function newHash(): string {
  return `${Math.floor(Date.now() / 1000)}.${randomBytes(4).toString("hex")}`;
}
