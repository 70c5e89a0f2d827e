// Deciding a turn: the brain proposes (step "brain-decides"), planDecision checks it into a plan, and
// the model's usage is recorded (step "record-usage"). Over the daily cost cap the model is not
// called: the plan hands the conversation to a person.
//
// Retriable model errors (429/529/5xx, network) fail the step so Inngest retries it; the replies are
// sent by a later step, so a retry never repeats one. A non-retriable error (or the last attempt)
// plans a polite fallback, hands the conversation to a person and sends an `agent/brain.failed`
// alert, never a stack trace.
import { RetryAfterError } from "inngest";
import { clock } from "../../../shared/clock.js";
import { localDay } from "../../../shared/domain/business-hours.js";
import { BrainRetriableError, classifyBrainError } from "../brain/errors.js";
import type { BrainDecision } from "../brain/types.js";
import type { AgentStep, Attempt, Turn, TurnDeps } from "./context.js";
import { planDecision } from "./plan-decision.js";
import { brainUnavailablePlan, costCapPlan, type TurnPlan } from "./turn-plan.js";

export interface BrainFailure {
  kind: string;
  status?: number;
  message: string;
}

type BrainOutcome = { ok: true; decision: BrainDecision } | { ok: false; failure: BrainFailure };

export interface Decided {
  plan: TurnPlan;
  /** Set when the brain was unavailable (the plan is the fallback reply). */
  failure?: BrainFailure;
}

/** The brain's decision, or why there is none: retriable errors are thrown while retries remain. */
async function askBrain(deps: TurnDeps, turn: Turn, attempt: Attempt): Promise<BrainOutcome> {
  try {
    return { ok: true, decision: await deps.brain.decide(turn.context) };
  } catch (error) {
    const classified = classifyBrainError(error);
    if (classified instanceof BrainRetriableError && !attempt.lastAttempt) {
      throw classified.retryAfterMs !== undefined
        ? new RetryAfterError(classified.message, classified.retryAfterMs, { cause: classified })
        : classified;
    }
    deps.logger.warn(
      { conversationId: turn.conversation.id, kind: classified.name, status: classified.status ?? null },
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
}

export async function decideTurn(
  step: AgentStep,
  deps: TurnDeps,
  turn: Turn,
  attempt: Attempt,
): Promise<Decided> {
  const { config, db } = deps;
  const { context, watermark } = turn;
  const conversationId = turn.conversation.id;
  if (turn.costCapReached) return { plan: costCapPlan(context) };

  const outcome = await step.run("brain-decides", () => askBrain(deps, turn, attempt));
  if (!outcome.ok) return { plan: brainUnavailablePlan(context), failure: outcome.failure };
  const decision = outcome.decision;
  const plan = planDecision({ context, decision, defaultCountryCode: config.whatsapp.defaultCountryCode });
  if (decision.usage) {
    const usage = decision.usage;
    // Keyed by the turn's watermark: a retry after a successful write adds nothing.
    await step.run("record-usage", () =>
      db.conversations.recordUsage(
        conversationId,
        usage,
        { costMicroUsd: decision.costMicroUsd ?? 0, day: localDay(clock.now(), config.business.timezone) },
        watermark,
      ),
    );
  }
  return { plan };
}
