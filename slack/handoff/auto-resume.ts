// With no staff reply for HANDOFF_AUTO_RESUME, a handed-off conversation goes back to the bot. The
// deadline is read from MongoDB (the episode's start, or the last staff reply) before every sleep,
// so a reply pushes it back without any event to wait for; the engine's clock wakes it.
import { clock } from "../../shared/clock.js";
import { handoffThreadId } from "../../shared/db/index.js";
import { agentModeChanged } from "../../shared/events.js";
import type { HandoffSlackDeps } from "./render-card.js";
import { resumeFromSlack } from "./resume-from-slack.js";

export const HANDOFF_AUTO_RESUME_ID = "handoff-auto-resume";

/** A staff member who keeps answering keeps the conversation; this bounds one run's sleeps. */
const MAX_ROUNDS = 200;

export function createHandoffAutoResume(deps: HandoffSlackDeps) {
  const { db } = deps;
  const windowMs = deps.config.slack.handoffAutoResumeMs;
  return deps.inngest.createFunction(
    {
      id: HANDOFF_AUTO_RESUME_ID,
      name: "Give a handed-off conversation back to the bot when nobody answers",
      triggers: [{ event: agentModeChanged, if: "event.data.to == 'handoff'" }],
    },
    async ({ event, step }) => {
      if (windowMs <= 0) return { resumed: false, reason: "never" };
      const conversationId = event.data.conversationId;
      const episode = await step.run("episode", async () => {
        const conversation = await db.conversations.getById(conversationId);
        return conversation?.mode === "handoff" ? conversation.episode : null;
      });
      if (episode === null) return { resumed: false, reason: "not-in-handoff" };
      for (let round = 0; round < MAX_ROUNDS; round += 1) {
        const next = await step.run(`check-${round}`, async () => {
          const conversation = await db.conversations.getById(conversationId);
          if (conversation?.mode !== "handoff" || conversation.episode !== episode)
            return { done: "resumed-elsewhere" };
          const thread = await db.handoffThreads.get(handoffThreadId(conversationId, episode));
          const since = Math.max(
            conversation.modeChangedAt.getTime(),
            thread?.lastStaffReplyAt?.getTime() ?? 0,
          );
          const deadline = since + windowMs;
          if (clock.nowMs() < deadline) return { sleepUntil: deadline };
          const result = await resumeFromSlack(deps, conversationId, "auto");
          return { done: result.outcome };
        });
        if ("done" in next) return { resumed: next.done === "resumed", outcome: next.done };
        await step.sleepUntil(`wait-${round}`, new Date(next.sleepUntil));
      }
      return { resumed: false, reason: "still-answered" };
    },
  );
}
