// The sales agent: one run answers a customer's burst of messages.
//
// `whatsapp/message.received` (this worker's account only) → debounced per conversation, one run at a
// time per conversation → steps with stable ids:
//   load-state ▸ brain-decides ▸ record-usage ▸ save-data ▸ create-order ▸ send-replies ▸
//   (hand-off-replies) ▸ advance-watermark ▸ change-mode ▸ announce ▸
//   (pause-before-promos ▸ send-promos ▸ (hand-off-promos) ▸ announce-promos)
//
// - The debounced event is only the last message: the turn is every inbound message above the
//   watermark in MongoDB. A duplicate delivery, or a run that finds its messages already handled,
//   does nothing.
// - The model only proposes (planDecision validates, prices from the catalog, follows the allowed
//   mode transitions). Retriable model errors (429/529/5xx, network) fail the step so Inngest retries
//   it; the replies are sent by a later step, so a retry never repeats one. A non-retriable error (or
//   the last attempt) sends a polite fallback and an `agent/brain.failed` alert, never a stack trace.
// - Replies go through sendOnce with keys derived from conversation + watermark + index. The watermark
//   moves before the (sleeping) promos pause, so a run starting meanwhile never answers them again.
//   If WhatsApp stays down through every retry of a sending step, the unsent replies are handed to
//   the proactive sender under the same keys (reply-delivery.ts): late, but once, never lost.
// - create-order may find an order already open (the promos timer ordered first): the customer is
//   told about that order, not the one the brain proposed.
// - In handoff or opted_out the agent is silent; the messages only move the watermark.
import { RetryAfterError } from "inngest";
import { clock } from "../../shared/clock.js";
import type { Config } from "../../shared/config.js";
import { formatDuration } from "../../shared/duration.js";
import type { DbHandle, OrderSource } from "../../shared/db/index.js";
import {
  agentBrainFailed,
  agentHandoffRequested,
  agentModeChanged,
  crmContactFieldChanged,
  agentPromosOffered,
  orderCreated,
  orderCreatedEventId,
  whatsappMessageReceived,
} from "../../shared/events.js";
import type { ConversationMode } from "../../shared/domain/conversation.js";
import { accountCondition, type InngestClient } from "../../shared/inngest.js";
import { silentLogger, type GatewayLogger } from "../gateway/logger.js";
import type { Transport } from "../gateway/transport.js";
import { planDecision } from "./apply-decision.js";
import { createBrain } from "./brain/index.js";
import { BrainRetriableError, classifyBrainError } from "./brain/errors.js";
import type { Brain, BrainDecision } from "./brain/types.js";
import { modeChangedEventId, promosOfferedEventId, replyDedupeKey, turnEventId } from "./keys.js";
import { deliverReplies, handOffRequests, isLastAttempt } from "./reply-delivery.js";
import { loadTurnState } from "./turn-state.js";
import {
  brainUnavailablePlan,
  costCapPlan,
  withExistingOrder,
  withoutOrder,
  type TurnPlan,
} from "./turn-plan.js";
import { localDay } from "../timers/business-hours.js";

export const HANDLE_MESSAGE_FUNCTION_ID = "handle-message";

/** Retries per step (Inngest counts retries, not attempts): a brain overload is retried 5 times. */
const AGENT_RETRIES = 5;

export interface AgentFunctionDeps {
  config: Config;
  inngest: InngestClient;
  db: DbHandle;
  transport: Pick<Transport, "send" | "status">;
  logger?: GatewayLogger;
  /** Default: createBrain(config) (Claude with ANTHROPIC_API_KEY, else the offline rules). */
  brain?: Brain;
}

type BrainOutcome =
  | { ok: true; decision: BrainDecision }
  | { ok: false; failure: { kind: string; status?: number; message: string } };

interface AppliedTransition {
  from: ConversationMode;
  to: ConversationMode;
  episode: number;
  at: string;
}

/** Inngest's longest debounce period and timeout (the shortest, 1s, is enforced by the config). */
const MAX_DEBOUNCE_MS = 7 * 24 * 3_600_000;

/** The debounce period as the SDK types it ("2s", "1m30s"; the local engine and Inngest parse it). */
function debouncePeriod(ms: number) {
  return formatDuration(Math.min(ms, MAX_DEBOUNCE_MS)) as "2s";
}

export function createHandleMessageFunction(deps: AgentFunctionDeps) {
  const { config, db } = deps;
  const brain = deps.brain ?? createBrain(config);
  const logger = deps.logger ?? silentLogger;
  const accountId = config.whatsapp.accountId;
  const debounceMs = config.agent.debounceMs;
  const delayMs = config.agent.modeTransitionDelayMs;
  const sendDeps = { db, transport: deps.transport, logger };

  return deps.inngest.createFunction(
    {
      id: HANDLE_MESSAGE_FUNCTION_ID,
      name: "Sales agent: answer a customer's messages",
      triggers: [{ event: whatsappMessageReceived, if: accountCondition(accountId) }],
      debounce: {
        key: "event.data.conversationId",
        period: debouncePeriod(debounceMs),
        // A customer typing on and on still gets an answer within 10 debounce periods (at most 7d).
        timeout: debouncePeriod(debounceMs * 10),
      },
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
        await step.run("advance-watermark", () =>
          db.conversations.advanceWatermark(conversationId, turn.watermark),
        );
        return { outcome: "silent", mode: turn.mode };
      }
      const { conversation, context, watermark } = turn;

      // ---- decide ----
      let plan: TurnPlan;
      let failure: Extract<BrainOutcome, { ok: false }>["failure"] | undefined;
      if (turn.costCapReached) {
        plan = costCapPlan(context);
      } else {
        const outcome = await step.run("brain-decides", async (): Promise<BrainOutcome> => {
          try {
            return { ok: true, decision: await brain.decide(context) };
          } catch (error) {
            const classified = classifyBrainError(error);
            const lastAttempt = isLastAttempt(attempt, maxAttempts);
            if (classified instanceof BrainRetriableError && !lastAttempt) {
              throw classified.retryAfterMs !== undefined
                ? new RetryAfterError(classified.message, classified.retryAfterMs, { cause: classified })
                : classified;
            }
            logger.warn(
              { conversationId, kind: classified.name, status: classified.status ?? null },
              "brain unavailable: sending the fallback reply",
            );
            return {
              ok: false,
              failure: {
                kind: classified instanceof BrainRetriableError ? "anthropic-api" : classified.kind,
                ...(classified.status !== undefined ? { status: classified.status } : {}),
                message: classified.message,
              },
            };
          }
        });
        if (outcome.ok) {
          const decision = outcome.decision;
          plan = planDecision({
            context,
            decision,
            defaultCountryCode: config.whatsapp.defaultCountryCode,
          });
          if (decision.usage) {
            const usage = decision.usage;
            // Keyed by the turn's watermark: a retry after a successful write adds nothing.
            await step.run("record-usage", () =>
              db.conversations.recordUsage(
                conversationId,
                usage,
                {
                  costMicroUsd: decision.costMicroUsd ?? 0,
                  day: localDay(clock.now(), config.business.timezone),
                },
                watermark,
              ),
            );
          }
        } else {
          failure = outcome.failure;
          plan = brainUnavailablePlan(context);
        }
      }

      // ---- apply ----
      const saveFields = plan.saveFields;
      const draft = plan.orderDraft;
      let savedFields: string[] = [];
      if (Object.keys(saveFields).length > 0 || draft !== undefined) {
        savedFields = await step.run("save-data", async () => {
          const saved =
            Object.keys(saveFields).length > 0
              ? await db.conversations.saveCollected(conversationId, saveFields)
              : { accepted: [] as string[] };
          if (draft !== undefined) await db.conversations.setOrderDraft(conversationId, draft?.lines ?? null);
          return [...saved.accepted];
        });
      }

      const toCreate = plan.createOrder;
      let order:
        | { orderId: string; totalMinor: number; currency: string; createdAt: string; source: OrderSource }
        | undefined;
      if (toCreate) {
        const created = await step.run("create-order", async () => {
          const result = await db.orders.createFromConversation({
            conversationId,
            lines: toCreate.lines,
            source: "agent",
          });
          if (result.status === "rejected") {
            logger.warn({ conversationId, reason: result.reason }, "order refused by the data layer");
            return { ok: false as const, reason: result.reason };
          }
          return {
            ok: true as const,
            /** Another order was already open (e.g. the promos timer ordered first): it stands. */
            existing: result.status === "existing",
            orderId: result.order._id,
            source: result.order.source,
            totalMinor: result.order.totalMinor,
            currency: result.order.currency,
            lines: result.order.lines,
            createdAt: result.order.createdAt.toISOString(),
          };
        });
        if (created.ok) {
          order = created;
          if (created.existing) {
            plan = withExistingOrder(plan, {
              source: created.source,
              priced: { currency: created.currency, lines: created.lines, totalMinor: created.totalMinor },
            });
          }
        } else plan = withoutOrder(plan);
      }

      const recipient = {
        accountId,
        conversationId,
        contactId: conversation.contactId,
        to: conversation.phone,
      };
      const replies = plan.replies.map((r, index) => ({
        text: r.text,
        dedupeKey: replyDedupeKey(conversationId, watermark, index),
      }));
      if (replies.length > 0) {
        const delivery = await step.run("send-replies", () =>
          deliverReplies(sendDeps, recipient, replies, {
            attempt,
            lastAttempt: isLastAttempt(attempt, maxAttempts),
          }),
        );
        // WhatsApp stayed unavailable through every retry: the proactive sender keeps trying.
        if (delivery.handedOff.length > 0) {
          await step.sendEvent("hand-off-replies", handOffRequests(recipient, delivery.handedOff));
        }
      }

      const problems = plan.problems;
      const { at } = await step.run("advance-watermark", async () => {
        // Logged once (inside a step), PII-free: codes, field and tool names only.
        if (problems.length > 0) logger.info({ conversationId, problems }, "brain proposals adjusted");
        await db.conversations.advanceWatermark(conversationId, watermark);
        // The time of this turn's announcements, read once (outside a step it would change on replay).
        return { at: clock.now().toISOString() };
      });

      const transitions = plan.transitions;
      const applied: AppliedTransition[] =
        transitions.length === 0
          ? []
          : await step.run("change-mode", async () => {
              const done: AppliedTransition[] = [];
              for (const t of transitions) {
                const result = await db.conversations.setMode(conversationId, t.from, t.to);
                if (!result.ok) {
                  // Someone else (a timer, an opt-out, a person) moved it first: they win.
                  logger.info(
                    { conversationId, from: t.from, to: t.to, reason: result.reason },
                    "mode change skipped",
                  );
                  break;
                }
                done.push({
                  from: t.from,
                  to: t.to,
                  episode: result.conversation.episode,
                  at: result.conversation.modeChangedAt.toISOString(),
                });
              }
              return done;
            });

      // ---- announce ----
      const scope = { accountId, conversationId, contactId: conversation.contactId };
      const announcements = [
        ...applied.map((t) =>
          agentModeChanged.create(
            { ...scope, from: t.from, to: t.to, at: t.at },
            { id: modeChangedEventId(conversationId, t.episode) },
          ),
        ),
        ...(order
          ? [
              orderCreated.create(
                {
                  ...scope,
                  orderId: order.orderId,
                  total: { amountMinor: order.totalMinor, currency: order.currency },
                  source: order.source,
                  createdAt: order.createdAt,
                },
                { id: orderCreatedEventId(order.orderId) },
              ),
            ]
          : []),
        // The CRM automations' field.changed trigger (one event per field and turn).
        ...savedFields.map((field) =>
          crmContactFieldChanged.create(
            { ...scope, field, at },
            { id: `field:${conversationId}:${watermark}:${field}` },
          ),
        ),
        ...(plan.handoff
          ? [
              agentHandoffRequested.create(
                { ...scope, reason: plan.handoff.reason, summary: plan.handoff.summary, at },
                { id: turnEventId("handoff", conversationId, watermark) },
              ),
            ]
          : []),
        ...(failure
          ? [
              agentBrainFailed.create(
                { accountId, conversationId, ...failure, message: failure.message.slice(0, 2_000), at },
                { id: turnEventId("brain-failed", conversationId, watermark) },
              ),
            ]
          : []),
      ];
      if (announcements.length > 0) await step.sendEvent("announce", announcements);

      // ---- promotions: a short pause after the replies, then the list; the promos timer starts ----
      const enteredPromos = applied.find((t) => t.to === "promos");
      const promos = plan.promos;
      if (enteredPromos && promos && promos.packIds.length > 0) {
        const promosText = promos.text;
        // Offered when the list went out (or, without a list, when the conversation entered promos).
        let offeredAt = enteredPromos.at;
        if (promosText) {
          if (delayMs > 0 && replies.length > 0) await step.sleep("pause-before-promos", delayMs);
          const list = { text: promosText, dedupeKey: replyDedupeKey(conversationId, watermark, "promos") };
          const delivery = await step.run("send-promos", async () => ({
            ...(await deliverReplies(sendDeps, recipient, [list], {
              attempt,
              lastAttempt: isLastAttempt(attempt, maxAttempts),
            })),
            at: clock.now().toISOString(),
          }));
          if (delivery.handedOff.length > 0) {
            await step.sendEvent("hand-off-promos", handOffRequests(recipient, delivery.handedOff));
          }
          offeredAt = delivery.at;
        }
        await step.sendEvent(
          "announce-promos",
          agentPromosOffered.create(
            { ...scope, packIds: promos.packIds, offeredAt },
            { id: promosOfferedEventId(conversationId, enteredPromos.episode) },
          ),
        );
      }

      return {
        outcome: failure ? "fallback" : "replied",
        replies: replies.length,
        mode: applied.at(-1)?.to ?? conversation.mode,
        ...(order ? { orderId: order.orderId } : {}),
      };
    },
  );
}
