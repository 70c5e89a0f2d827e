// Where a conversation's mode goes after a turn, one allowed step at a time (MODE_TRANSITIONS in
// shared/domain/conversation.ts). Pure.
import type { ConversationMode } from "../../../shared/domain/conversation.js";
import { MODE_TRANSITIONS } from "../../../shared/domain/conversation.js";

export interface ModeTransition {
  from: ConversationMode;
  to: ConversationMode;
}

/** Shortest allowed path of modes from `from` to `to` (excluding `from`), or null. */
export function modePath(from: ConversationMode, to: ConversationMode): ConversationMode[] | null {
  if (from === to) return [];
  const previous = new Map<ConversationMode, ConversationMode>();
  const queue: ConversationMode[] = [from];
  while (queue.length > 0) {
    const mode = queue.shift() as ConversationMode;
    for (const next of MODE_TRANSITIONS[mode]) {
      if (next === from || previous.has(next)) continue;
      previous.set(next, mode);
      if (next === to) {
        const path: ConversationMode[] = [to];
        for (let m = mode; m !== from; m = previous.get(m) as ConversationMode) path.unshift(m);
        return path;
      }
      queue.push(next);
    }
  }
  return null;
}

/** The steps from `from` to `to` along the shortest allowed path (empty when there is none). */
export function transitionsTo(from: ConversationMode, to: ConversationMode): ModeTransition[] {
  let at = from;
  return (modePath(from, to) ?? []).map((next) => {
    const step = { from: at, to: next };
    at = next;
    return step;
  });
}

/** What the conversation's mode should become after this decision (before path-finding). */
export function targetMode(
  mode: ConversationMode,
  outcome: { handoff: boolean; ordered: boolean; closed: boolean; dataComplete: boolean },
): ConversationMode {
  if (outcome.handoff) return "handoff";
  if (outcome.ordered) return "awaiting_approval";
  if (outcome.closed) return "closed";
  if (outcome.dataComplete && mode !== "promos" && mode !== "awaiting_approval") return "promos";
  if (!outcome.dataComplete && (mode === "greeting" || mode === "closed")) return "collecting_data";
  return mode;
}
