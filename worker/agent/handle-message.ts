// The sales agent: one run answers a customer's burst of messages.
//
// `whatsapp/message.received` (this worker's account only) → debounced per conversation, one run at a
// time per conversation → the steps of a turn (worker/agent/turn/), with stable ids:
//   load-state ▸ brain-decides ▸ save-data ▸ create-order ▸ reply-and-advance ▸
//   (hand-off-replies ▸ advance-watermark) ▸ change-mode ▸ announce ▸
//   (pause-before-promos ▸ send-promos ▸ (hand-off-promos) ▸ announce-promos)
//
// - The debounced event is only the last message: the turn is every inbound message above the
//   watermark in MongoDB. A duplicate delivery, or a run that finds its messages already handled,
//   does nothing. In handoff or opted_out the agent is silent; the messages only move the watermark.
// - The model only proposes (turn/plan-decision.ts validates, prices from the catalog, follows the
//   allowed mode transitions); replies are sent by a later step than the brain's, so a retry never
//   repeats one.
// - The watermark moves before the (sleeping) promos pause, so a run starting meanwhile never
//   answers the same messages again.
import { formatDuration } from "../../shared/duration.js";
import { whatsappMessageReceived } from "../../shared/events.js";
import { accountCondition, type InngestClient } from "../../shared/inngest.js";
import type { Config } from "../../shared/config/index.js";
import type { DbHandle } from "../../shared/db/index.js";
import { silentLogger, type WorkerLogger } from "../logger.js";
import type { Transport } from "../gateway/transport.js";
import { createBrain } from "./brain/index.js";
import type { Brain } from "./brain/types.js";
import { announcePromos, announceTurn } from "./turn/announce.js";
import { changeMode, createOrder, passSilently, saveData } from "./turn/apply.js";
import type { TurnDeps } from "./turn/context.js";
import { decideTurn } from "./turn/decide.js";
import { isLastAttempt } from "./turn/deliver-replies.js";
import { loadTurnState } from "./turn/load-state.js";
import { sendPromosList, sendRepliesAndAdvance } from "./turn/reply.js";

export const HANDLE_MESSAGE_FUNCTION_ID = "handle-message";

/** Retries per step (Inngest counts retries, not attempts): a brain overload is retried 5 times. */
const AGENT_RETRIES = 5;

export interface AgentFunctionDeps {
  config: Config;
  inngest: InngestClient;
  db: DbHandle;
  transport: Pick<Transport, "send" | "status" | "findSent">;
  logger?: WorkerLogger;
  /** Default: createBrain(config) (Claude with ANTHROPIC_API_KEY, else the offline rules). */
  brain?: Brain;
}

/** Inngest's longest debounce period and timeout (the shortest, 1s, or 0 = off, is enforced by the config). */
const MAX_DEBOUNCE_MS = 7 * 24 * 3_600_000;

/** The debounce period as the SDK types it ("2s", "1m30s"; the local engine and Inngest parse it). */
function debouncePeriod(ms: number) {
  return formatDuration(Math.min(ms, MAX_DEBOUNCE_MS)) as "2s";
}

export function createHandleMessageFunction(deps: AgentFunctionDeps) {
  const { config, db } = deps;
  const turnDeps: TurnDeps = {
    config,
    db,
    brain: deps.brain ?? createBrain(config),
    logger: deps.logger ?? silentLogger,
    transport: deps.transport,
  };
  const debounceMs = config.agent.debounceMs;

  return deps.inngest.createFunction(
    {
      id: HANDLE_MESSAGE_FUNCTION_ID,
      name: "Sales agent: answer a customer's messages",
      triggers: [{ event: whatsappMessageReceived, if: accountCondition(config.whatsapp.accountId) }],
      // AGENT_DEBOUNCE=0s: no debounce, every message starts its own turn.
      ...(debounceMs > 0
        ? {
            debounce: {
              key: "event.data.conversationId",
              period: debouncePeriod(debounceMs),
              // A customer typing on and on still gets an answer within 10 debounce periods (at most 7d).
              timeout: debouncePeriod(debounceMs * 10),
            },
          }
        : {}),
      concurrency: [{ key: "event.data.conversationId", limit: 1 }],
      retries: AGENT_RETRIES,
    },
    async ({ event, step, attempt, maxAttempts }) => {
      const conversationId = event.data.conversationId;
      const turn = await step.run("load-state", () => loadTurnState({ db, config }, conversationId));
      if (turn.status === "not-found" || turn.status === "nothing-new" || turn.status === "other-account") {
        return { outcome: turn.status };
      }
      if (turn.status === "silent") {
        await passSilently(step, turnDeps, conversationId, turn.watermark);
        return { outcome: "silent", mode: turn.mode };
      }
      const retry = { attempt, lastAttempt: isLastAttempt(attempt, maxAttempts) };

      const { plan: decided, failure } = await decideTurn(step, turnDeps, turn, retry);
      const savedFields = await saveData(step, turnDeps, turn, decided);
      const { plan, order } = await createOrder(step, turnDeps, turn, decided);
      const { replies, at } = await sendRepliesAndAdvance(step, turnDeps, turn, plan, retry);
      const applied = await changeMode(step, turnDeps, turn, plan);
      await announceTurn(step, turn, {
        plan,
        applied,
        at,
        savedFields,
        ...(order ? { order } : {}),
        ...(failure ? { failure } : {}),
      });

      // Promotions: a short pause after the replies, then the list; the promos timer starts.
      const enteredPromos = applied.find((t) => t.to === "promos");
      if (enteredPromos && plan.promos && plan.promos.packIds.length > 0) {
        // Offered when the list went out (or, without a list, when the conversation entered promos).
        const offeredAt = plan.promos.text
          ? await sendPromosList(step, turnDeps, turn, plan.promos.text, { replies, attempt: retry })
          : enteredPromos.at;
        await announcePromos(step, turn, {
          packIds: plan.promos.packIds,
          offeredAt,
          episode: enteredPromos.episode,
        });
      }

      return {
        outcome: failure ? "fallback" : "replied",
        replies,
        mode: applied.at(-1)?.to ?? turn.conversation.mode,
        ...(order ? { orderId: order.orderId } : {}),
      };
    },
  );
}
