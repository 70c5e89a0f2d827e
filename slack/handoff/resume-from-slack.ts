// Gives a handed-off conversation back to the bot from Slack ("Resume bot", /bot resume, or on its
// own after HANDOFF_AUTO_RESUME without a staff reply), and shows it on the episode's card and in
// its thread. The mode change is resumeConversation's atomic update; the first resume wins.
import { clock } from "../../shared/clock.js";
import { handoffThreadId } from "../../shared/db/index.js";
import { formatWait, mention } from "../format/time.js";
import { resumeConversation, type PauseResult } from "./pause-conversation.js";
import { refreshHandoffCard, type HandoffSlackDeps } from "./render-card.js";

export const AUTO_RESUME_ACTOR = { kind: "system", id: "handoff-auto-resume" } as const;

export async function resumeFromSlack(
  deps: HandoffSlackDeps,
  conversationId: string,
  by: { userId: string } | "auto",
): Promise<PauseResult> {
  const before = await deps.db.conversations.getById(conversationId);
  const result = await resumeConversation(
    deps,
    conversationId,
    by === "auto" ? AUTO_RESUME_ACTOR : by.userId,
  );
  if (result.outcome !== "resumed" || !before) return result;
  const threadId = handoffThreadId(conversationId, before.episode);
  const auto = by === "auto";
  const marked = await deps.db.handoffThreads.markResumed(threadId, {
    by: auto ? AUTO_RESUME_ACTOR.id : by.userId,
    at: clock.now(),
    auto,
  });
  if (!marked?.card) return result;
  try {
    await refreshHandoffCard(deps, threadId);
    await deps.client.chat.postMessage({
      channel: marked.card.channel,
      thread_ts: marked.card.ts,
      text: auto
        ? `:robot_face: No staff reply for ${formatWait(deps.config.slack.handoffAutoResumeMs)}: the bot answers this customer again.`
        : `:robot_face: ${mention(by.userId)} gave the conversation back to the bot.`,
    });
  } catch (error) {
    // The conversation is resumed (MongoDB); a card that could not be updated is only cosmetic.
    deps.logger.warn(
      { conversationId, error: String(error) },
      "could not show the resume on the handoff card",
    );
  }
  return result;
}
