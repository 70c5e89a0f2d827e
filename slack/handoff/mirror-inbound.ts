// While a person has the conversation, every customer message appears in its card's thread.
// Messages received before the handoff began are on the card already ("Last messages").
import { RetryAfterError } from "inngest";
import { handoffThreadId } from "../../shared/db/index.js";
import { whatsappMessageReceived } from "../../shared/events.js";
import { threadLine } from "./card.js";
import type { HandoffSlackDeps } from "./render-card.js";

export const MIRROR_INBOUND_ID = "handoff-mirror-inbound";

export function createMirrorInbound(deps: HandoffSlackDeps) {
  const { db } = deps;
  return deps.inngest.createFunction(
    {
      id: MIRROR_INBOUND_ID,
      name: "Mirror a customer message into the handoff thread",
      // Only messages stored while a person had the conversation (the engine filters, so the others
      // cost no run); the step checks the mode again.
      triggers: [{ event: whatsappMessageReceived, if: "event.data.mode == 'handoff'" }],
      retries: 10,
    },
    async ({ event, step }) => {
      return step.run("mirror", async () => {
        const conversation = await db.conversations.getById(event.data.conversationId);
        if (!conversation || conversation.mode !== "handoff") return "not-in-handoff";
        const thread = await db.handoffThreads.get(handoffThreadId(conversation._id, conversation.episode));
        if (thread && new Date(event.data.receivedAt) < thread.startedAt) return "before-handoff";
        // The card is posted by its own function; wait for it rather than lose the message.
        if (!thread?.card) throw new RetryAfterError("the handoff card is not posted yet", "2s");
        await deps.client.chat.postMessage({
          channel: thread.card.channel,
          thread_ts: thread.card.ts,
          text: threadLine({ direction: "in", text: event.data.text }),
        });
        return "mirrored";
      });
    },
  );
}
