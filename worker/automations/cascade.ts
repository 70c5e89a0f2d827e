// Loop and cascade protection: an event an automation caused carries the chain of automations that
// led to it. A run is stopped (and recorded as a loop) when its automation is already in the chain
// (it would trigger itself, directly or through others) or the chain is deeper than the limit.
import { cascadeSchema, type Cascade } from "../../shared/events.js";

export type CascadeVerdict =
  | { ok: true; depth: number; chain: string[]; causedBy?: string }
  | { ok: false; depth: number; chain: string[]; reason: string; causedBy?: string };

/** Reads the cascade of a trigger event's data (absent or malformed = not caused by an automation). */
export function cascadeOf(data: Record<string, unknown>): Cascade | undefined {
  const parsed = cascadeSchema.safeParse(data["cascade"]);
  return parsed.success ? parsed.data : undefined;
}

export function checkCascade(
  automationId: string,
  automationName: string,
  cascade: Cascade | undefined,
  maxDepth: number,
): CascadeVerdict {
  const depth = cascade?.depth ?? 0;
  const chain = cascade?.automationIds ?? [];
  const base = { depth, chain, ...(cascade ? { causedBy: cascade.executionId } : {}) };
  if (chain.includes(automationId)) {
    return {
      ...base,
      ok: false,
      reason: `${automationName} would trigger itself (chain of ${chain.length})`,
    };
  }
  if (depth > maxDepth) {
    return { ...base, ok: false, reason: `cascade depth ${depth} is over the limit of ${maxDepth}` };
  }
  return { ...base, ok: true };
}

/** The cascade that events emitted by this run carry. */
export function nextCascade(
  verdict: { depth: number; chain: string[] },
  automationId: string,
  executionId: string,
): Cascade {
  return { depth: verdict.depth + 1, automationIds: [...verdict.chain, automationId], executionId };
}
