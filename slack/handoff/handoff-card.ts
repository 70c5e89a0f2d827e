// A conversation went to a person (agent/mode.changed to "handoff", whoever made it: the customer
// asked, the cost cap, an automation, /bot pause) → one card in the handoff channel per episode.
// agent/handoff.requested (sent with the mode change) adds why; whichever of the two comes first
// posts the card and the other completes it. One run at a time per conversation, so they never
// race; the episode's document in MongoDB makes a repeat post nothing.
import { agentHandoffRequested, agentModeChanged } from "../../shared/events.js";
import { postHandoffCard, refreshHandoffCard, type HandoffSlackDeps } from "./render-card.js";

export const HANDOFF_CARD_ID = "handoff-card";

export function createHandoffCard(deps: HandoffSlackDeps) {
  const { db } = deps;
  return deps.inngest.createFunction(
    {
      id: HANDOFF_CARD_ID,
      name: "Post the handoff card in Slack",
      triggers: [
        { event: agentModeChanged, if: "event.data.to == 'handoff'" },
        { event: agentHandoffRequested },
      ],
      concurrency: { key: "event.data.conversationId", limit: 1 },
    },
    async ({ event, step }) => {
      const threadId = await step.run("open-thread", async () => {
        const conversation = await db.conversations.getById(event.data.conversationId);
        if (!conversation || conversation.mode !== "handoff") return null;
        const thread = await db.handoffThreads.open({
          accountId: conversation.accountId,
          conversationId: conversation._id,
          contactId: conversation.contactId,
          episode: conversation.episode,
          startedAt: conversation.modeChangedAt,
        });
        if (event.name === agentHandoffRequested.name && thread.reason !== "paused") {
          const data = event.data as { reason: string; summary?: string };
          await db.handoffThreads.setReason(thread._id, {
            reason: data.reason,
            ...(data.summary ? { summary: data.summary } : {}),
          });
        }
        return thread._id;
      });
      if (!threadId) return { posted: false, reason: "not-in-handoff" };
      const outcome = await step.run("post-card", async () => {
        const thread = await db.handoffThreads.get(threadId);
        if (!thread) return "gone";
        if (thread.card) {
          await refreshHandoffCard(deps, threadId);
          return "refreshed";
        }
        await postHandoffCard(deps, thread);
        return "posted";
      });
      return { threadId, outcome };
    },
  );
}
