// What every step of a turn is given: the step tools, the turn's dependencies, and the turn itself
// as load-state found it (JSON-safe: it is that step's memoized output).
import type { GetStepTools } from "inngest";
import type { Config } from "../../../shared/config/index.js";
import type { DbHandle } from "../../../shared/db/index.js";
import type { InngestClient } from "../../../shared/inngest.js";
import type { WorkerLogger } from "../../logger.js";
import type { Transport } from "../../gateway/transport.js";
import type { Brain } from "../brain/types.js";
import type { ReplyRecipient } from "./deliver-replies.js";
import type { TurnState } from "./load-state.js";

export type AgentStep = GetStepTools<InngestClient>;

export interface TurnDeps {
  config: Config;
  db: DbHandle;
  brain: Brain;
  logger: WorkerLogger;
  transport: Pick<Transport, "send" | "status" | "findSent">;
}

/** A turn the agent answers. */
export type Turn = Extract<TurnState, { status: "ready" }>;

/** Where the run is in its retries (a step's last attempt hands unsent replies over). */
export interface Attempt {
  attempt: number;
  lastAttempt: boolean;
}

export function recipientOf(turn: Turn): ReplyRecipient {
  const { conversation } = turn;
  return {
    accountId: conversation.accountId,
    conversationId: conversation.id,
    contactId: conversation.contactId,
    to: conversation.phone,
  };
}
