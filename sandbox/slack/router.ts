// The simulated workspace's HTTP API on the sandbox page's server (exact; tools and tests rely on it):
//   GET  /sandbox/slack/users                 → {"users": [{"id", "name", "roles"}]}
//   GET  /sandbox/slack/channels              → {"channels": [{"id", "name"}]}
//   GET  /sandbox/slack/messages?channel=<id> → {"messages": [{"channel", "ts", "text", "blocks", "thread_ts"?, "user"?}]}
//   POST /sandbox/slack/actions       {"channel", "ts", "actionId", "value"?, "userId"} → {"status", "ephemeral": [...]}
//   GET  /sandbox/slack/views                 → {"views": [{"id", "userId", "callbackId", "title", "blocks"}]}
//   POST /sandbox/slack/views/submit  {"viewId", "values": {block: {action: "text"}}, "userId"} → {"status", "errors"?}
//   POST /sandbox/slack/commands      {"command", "text", "userId", "channel"?} → {"status", "response"}
//   POST /sandbox/slack/messages      {"channel", "text", "userId", "thread_ts"?} → {"ts"}
// A bad body gets 400 {"error"}; an unknown channel, message, button or view 404 {"error"}.
import express, { Router, type ErrorRequestHandler, type Request, type Response } from "express";
import { z } from "zod";
import { AppUnreachableError, NotConnectedError } from "./delivery.js";
import { InputError } from "./elements.js";
import type { SlackWorkspace } from "./workspace.js";

const id = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .trim()
    .min(1, { error: `${what} must not be empty` })
    .max(255, { error: `${what} is too long` });
const ts = (what: string) =>
  z
    .string({ error: `${what} must be a string` })
    .regex(/^\d{1,12}\.\d{1,8}$/, { error: `${what} must be a Slack timestamp like 1700000000.000100` });

/** A lone UTF-16 surrogate (JSON allows "\ud800") is no text Slack could carry: it would arrive as "�". */
const LONE_SURROGATE = /\p{Cs}/u;
const wellFormed = { error: "text must be valid Unicode text (it has a lone surrogate)" };

const actionSchema = z.object(
  {
    channel: id("channel"),
    ts: ts("ts"),
    actionId: id("actionId"),
    value: z.string({ error: "value must be a string" }).max(2000, { error: "value is too long" }).optional(),
    userId: id("userId"),
  },
  { error: "body must be a JSON object" },
);

const submitSchema = z.object(
  {
    viewId: id("viewId"),
    values: z.record(
      z.string(),
      z.record(z.string(), z.string({ error: "each value must be a string" }), {
        error: "values must map block_id to {action_id: text}",
      }),
      { error: "values must map block_id to {action_id: text}" },
    ),
    userId: id("userId"),
  },
  { error: "body must be a JSON object" },
);

const commandSchema = z.object(
  {
    command: z
      .string({ error: "command must be a string" })
      .regex(/^\/[a-z0-9_-]{1,31}$/i, { error: 'command must be a slash command like "/automation"' }),
    text: z
      .string({ error: "text must be a string" })
      .max(4000, { error: "text is too long" })
      .refine((v) => !LONE_SURROGATE.test(v), wellFormed)
      .default(""),
    userId: id("userId"),
    channel: id("channel").optional(),
  },
  { error: "body must be a JSON object" },
);

const messageSchema = z.object(
  {
    channel: id("channel"),
    text: z
      .string({ error: "text must be a string" })
      .refine((v) => v.trim().length > 0, { error: "text must not be empty" })
      .refine((v) => v.length <= 40_000, { error: "text must be at most 40000 characters" })
      .refine((v) => !LONE_SURROGATE.test(v), wellFormed),
    userId: id("userId"),
    thread_ts: ts("thread_ts").optional(),
  },
  { error: "body must be a JSON object" },
);

function parse<T>(schema: z.ZodType<T>, req: Request, res: Response): T | undefined {
  const parsed = schema.safeParse(req.body);
  if (!parsed.success) {
    res.status(400).json({ error: parsed.error.issues[0]?.message ?? "invalid body" });
    return undefined;
  }
  return parsed.data;
}

function fail(res: Response, error: unknown): void {
  if (error instanceof InputError) {
    res.status(error.status).json({ error: error.message });
  } else if (error instanceof NotConnectedError) {
    res.status(503).json({ error: error.message });
  } else if (error instanceof AppUnreachableError) {
    res.status(502).json({ error: error.message });
  } else {
    res.status(500).json({ error: error instanceof Error ? error.message : String(error) });
  }
}

export function createSlackWorkspaceRouter(ws: SlackWorkspace): Router {
  const router = Router();
  const json = express.json({ limit: "1mb" });

  router.get("/sandbox/slack/users", (_req, res) => {
    res.json({
      users: Object.values(ws.users).map((u) => ({ id: u.id, name: u.name, roles: [...u.roles] })),
    });
  });

  router.get("/sandbox/slack/channels", (_req, res) => {
    res.json({ channels: Object.values(ws.channels).map((c) => ({ id: c.id, name: c.name })) });
  });

  router.get("/sandbox/slack/messages", async (req, res) => {
    const channel = req.query["channel"];
    if (typeof channel !== "string" || !channel.trim()) {
      res.status(400).json({ error: "channel query parameter is required (a channel id or name)" });
      return;
    }
    try {
      res.json({ messages: await ws.messages(channel) });
    } catch (error) {
      fail(res, error);
    }
  });

  router.post("/sandbox/slack/messages", json, async (req, res) => {
    const body = parse(messageSchema, req, res);
    if (!body) return;
    try {
      const { ts } = await ws.postMessage({
        channel: body.channel,
        text: body.text,
        userId: body.userId,
        ...(body.thread_ts ? { thread_ts: body.thread_ts } : {}),
      });
      res.json({ ts });
    } catch (error) {
      fail(res, error);
    }
  });

  router.post("/sandbox/slack/actions", json, async (req, res) => {
    const body = parse(actionSchema, req, res);
    if (!body) return;
    try {
      const { status, ephemeral } = await ws.click({
        channel: body.channel,
        ts: body.ts,
        actionId: body.actionId,
        userId: body.userId,
        ...(body.value !== undefined ? { value: body.value } : {}),
      });
      res.json({ status, ephemeral });
    } catch (error) {
      fail(res, error);
    }
  });

  router.get("/sandbox/slack/views", async (_req, res) => {
    try {
      res.json({ views: await ws.views() });
    } catch (error) {
      fail(res, error);
    }
  });

  router.post("/sandbox/slack/views/submit", json, async (req, res) => {
    const body = parse(submitSchema, req, res);
    if (!body) return;
    try {
      const { status, errors } = await ws.submitView(body);
      res.json({ status, ...(errors ? { errors } : {}) });
    } catch (error) {
      fail(res, error);
    }
  });

  router.post("/sandbox/slack/commands", json, async (req, res) => {
    const body = parse(commandSchema, req, res);
    if (!body) return;
    try {
      const { status, response } = await ws.command({
        command: body.command,
        text: body.text,
        userId: body.userId,
        ...(body.channel ? { channel: body.channel } : {}),
      });
      res.json({ status, response });
    } catch (error) {
      fail(res, error);
    }
  });

  const badJson: ErrorRequestHandler = (error: { type?: string }, _req, res, next) => {
    if (error.type === "entity.parse.failed") {
      res.status(400).json({ error: "body is not valid JSON" });
      return;
    }
    if (error.type === "entity.too.large") {
      res.status(413).json({ error: "body is too large" });
      return;
    }
    next(error);
  };
  router.use("/sandbox/slack", badJson);
  return router;
}
