// Replies to one interaction: what the app answers through a response_url, or in the body of a slash
// command's ack. Slack's rules: ephemeral by default (only the person who acted sees it), `in_channel`
// posts for everyone, `replace_original` / `delete_original` change the message that was clicked.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { BOT } from "./directory.js";
import type { Activity } from "./delivery.js";
import type { WorkspaceStore } from "./store.js";
import { visibleText } from "./visible-text.js";

const RESPONSE_URL_LIFETIME_MS = 30 * 60_000;
const RESPONSE_URL_MAX_USES = 5;

export interface ReplyContext {
  id: string;
  userId: string;
  channel: string;
  /** The message whose button was clicked (absent for slash commands). */
  original?: { ts: string; ephemeral: boolean };
  createdAt: number;
  uses: number;
}

export const replySchema = z.looseObject({
  text: z.string().optional(),
  blocks: z.array(z.unknown()).optional(),
  attachments: z.array(z.unknown()).optional(),
  response_type: z.enum(["ephemeral", "in_channel"]).optional(),
  replace_original: z.union([z.boolean(), z.enum(["true", "false"])]).optional(),
  delete_original: z.union([z.boolean(), z.enum(["true", "false"])]).optional(),
  thread_ts: z.string().optional(),
});
export type Reply = z.infer<typeof replySchema>;

const truthy = (v: boolean | "true" | "false" | undefined) => v === true || v === "true";

export class ReplyBook {
  private readonly contexts = new Map<string, ReplyContext>();

  constructor(
    private readonly store: WorkspaceStore,
    private readonly activity: Activity,
  ) {}

  create(ctx: Omit<ReplyContext, "id" | "createdAt" | "uses">): ReplyContext {
    const now = Date.now();
    for (const [id, c] of this.contexts)
      if (now - c.createdAt > RESPONSE_URL_LIFETIME_MS) this.contexts.delete(id);
    const full: ReplyContext = { ...ctx, id: randomBytes(12).toString("hex"), createdAt: now, uses: 0 };
    this.contexts.set(full.id, full);
    return full;
  }

  /** A POST to a response_url: Slack's answer status and body. */
  async post(id: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
    const ctx = this.contexts.get(id);
    if (!ctx || Date.now() - ctx.createdAt > RESPONSE_URL_LIFETIME_MS) {
      return { status: 404, body: { ok: false, error: "expired_url" } };
    }
    if (ctx.uses >= RESPONSE_URL_MAX_USES) return { status: 404, body: { ok: false, error: "used_url" } };
    const parsed = replySchema.safeParse(body);
    if (!parsed.success) return { status: 400, body: { ok: false, error: "invalid_payload" } };
    ctx.uses += 1;
    const error = await this.apply(ctx, parsed.data);
    return error ? { status: 404, body: { ok: false, error } } : { status: 200, body: { ok: true } };
  }

  /** Applies a reply; answers an error code when the original message is gone. */
  async apply(ctx: ReplyContext, reply: Reply): Promise<string | undefined> {
    const { store, activity } = this;
    const text = reply.text ?? "";
    const blocks = reply.blocks ?? [];
    if (truthy(reply.delete_original) && ctx.original) {
      if (ctx.original.ephemeral) {
        const doc = await store.findEphemeral(ctx.userId, ctx.channel, ctx.original.ts);
        if (!doc) return "message_not_found";
        await store.deleteEphemeral(doc);
      } else if (!(await store.deleteMessage(ctx.channel, ctx.original.ts))) {
        return "message_not_found";
      }
      return undefined;
    }
    if (truthy(reply.replace_original) && ctx.original) {
      if (ctx.original.ephemeral) {
        const doc = await store.findEphemeral(ctx.userId, ctx.channel, ctx.original.ts);
        if (!doc) return "message_not_found";
        await store.replaceEphemeral({ ...doc, text, blocks });
        activity.shown({ user: ctx.userId, text: visibleText({ text, blocks }), responseUrlId: ctx.id });
      } else {
        const doc = await store.findMessage(ctx.channel, ctx.original.ts);
        if (!doc) return "message_not_found";
        await store.replaceMessage(doc, {
          ...doc,
          text,
          blocks,
          edited: { user: BOT.userId, ts: store.nextTs().ts },
        });
      }
      return undefined;
    }
    if (!text && blocks.length === 0) return undefined;
    if (reply.response_type === "in_channel") {
      await store.insertMessage({
        channel: ctx.channel,
        text,
        blocks,
        ...(reply.thread_ts ? { thread_ts: reply.thread_ts } : {}),
        user: BOT.userId,
        bot_id: BOT.botId,
      });
    } else {
      await store.insertEphemeral({
        channel: ctx.channel,
        user: ctx.userId,
        text,
        blocks,
        ...(reply.thread_ts ? { thread_ts: reply.thread_ts } : {}),
      });
    }
    activity.shown({ user: ctx.userId, text: visibleText({ text, blocks }), responseUrlId: ctx.id });
    return undefined;
  }
}
