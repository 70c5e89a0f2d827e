// Command dispatch: name -> handler, and every outcome as a reply document with `ok`.
import { MongoCommandError, toCommandError } from "../errors.js";
import type { Doc } from "../types.js";
import { adminCommands } from "./admin.js";
import { collectionCommands } from "./collections.js";
import type { CommandContext, Handler } from "./context.js";
import { indexCommands } from "./indexes.js";
import { readCommands } from "./reads.js";
import { writeCommands } from "./writes.js";

const handlers: Record<string, Handler> = {
  ...adminCommands,
  ...collectionCommands,
  ...indexCommands,
  ...readCommands,
  ...writeCommands,
};

const lowerCaseAliases = new Map(Object.keys(handlers).map((name) => [name.toLowerCase(), name]));

export function commandNameOf(cmd: Doc): string {
  return Object.keys(cmd)[0] ?? "";
}

function handlerFor(name: string): Handler | undefined {
  if (Object.hasOwn(handlers, name)) return handlers[name];
  const alias = lowerCaseAliases.get(name.toLowerCase());
  return alias ? handlers[alias] : undefined;
}

export async function runCommand(cmd: Doc, ctx: CommandContext): Promise<Doc> {
  const name = commandNameOf(cmd);
  try {
    const handler = handlerFor(name);
    if (!handler) throw new MongoCommandError("CommandNotFound", `no such command: '${name}'`);
    if (cmd["txnNumber"] !== undefined || cmd["autocommit"] !== undefined) {
      // Like a standalone mongod: no retryable writes or transactions.
      throw new MongoCommandError(
        "IllegalOperation",
        "Transaction numbers are only allowed on a replica set member or mongos",
      );
    }
    const reply = await handler(cmd, ctx);
    return { ...reply, ok: 1 };
  } catch (err) {
    return toCommandError(err).toReply();
  }
}
