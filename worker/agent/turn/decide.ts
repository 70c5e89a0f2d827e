// Deciding a turn: the brain proposes and its usage is recorded (step "brain-decides"), and
// planDecision checks the proposal into a plan. Over the daily cost cap the model is not called: the
// plan hands the conversation to a person.
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

/**
 * The brain's decision with its usage recorded (keyed by the turn's watermark: a retry after a
 * successful write adds nothing). One step: a failed write retries the call, a rare extra call
 * rather than a step of its own on every turn.
 */
async function decideAndRecordUsage(deps: TurnDeps, turn: Turn, attempt: Attempt): Promise<BrainOutcome> {
  const outcome = await askBrain(deps, turn, attempt);
  if (outcome.ok && outcome.decision.usage) {
    const { decision } = outcome;
    await deps.db.conversations.recordUsage(
      turn.conversation.id,
      outcome.decision.usage,
      {
        costMicroUsd: decision.costMicroUsd ?? 0,
        day: localDay(clock.now(), deps.config.business.timezone),
      },
      turn.watermark,
    );
  }
  return outcome;
}

export async function decideTurn(
  step: AgentStep,
  deps: TurnDeps,
  turn: Turn,
  attempt: Attempt,
): Promise<Decided> {
  const { config } = deps;
  const { context } = turn;
  if (turn.costCapReached) return { plan: costCapPlan(context) };

  const outcome = await step.run("brain-decides", () => decideAndRecordUsage(deps, turn, attempt));
  if (!outcome.ok) return { plan: brainUnavailablePlan(context), failure: outcome.failure };
  const plan = planDecision({
    context,
    decision: outcome.decision,
    defaultCountryCode: config.whatsapp.defaultCountryCode,
  });
  return { plan };
}
