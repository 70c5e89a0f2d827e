// The handoff card (the root of a conversation's thread in the handoff channel) and the lines the
// thread shows. Pure: documents and the clock reading in, message text and blocks out.
import type { ContactDoc, ConversationDoc, HandoffThreadDoc, MessageDoc } from "../../shared/db/index.js";
import type { Block, SlackMessage } from "../approvals/card.js";
import { escapeMrkdwn } from "../format/escape.js";
import { formatSlackTime, formatWait, mention } from "../format/time.js";

export const RESUME_BLOCK_ID = "handoff_resume";
export const RESUME_ACTION_ID = "handoff_resume";

const REASONS: Record<string, string> = {
  "customer-asked": "the customer asked for a person",
  "model-requested": "the agent handed the conversation over",
  "cost-cap": "today's model cost cap for this conversation was reached",
  "brain-error": "the agent's model failed",
  automation: "an automation handed the conversation over",
};

export function describeReason(thread: Pick<HandoffThreadDoc, "reason" | "pausedBy" | "summary">): string {
  if (thread.reason === "paused" && thread.pausedBy)
    return `${mention(thread.pausedBy)} paused the bot (\`/bot pause\`)`;
  const why = (thread.reason && REASONS[thread.reason]) ?? "handed to a person";
  return thread.summary ? `${why}: ${escapeMrkdwn(thread.summary)}` : why;
}

export interface HandoffCardFacts {
  thread: HandoffThreadDoc;
  conversation: Pick<ConversationDoc, "phone" | "accountId">;
  contact: Pick<ContactDoc, "profileName"> | null;
  name?: string;
  recent: Pick<MessageDoc, "direction" | "text" | "origin">[];
  /** Link to the previous episode's card. */
  previousLink?: string;
  now: Date;
  timezone: string;
  autoResumeMs: number;
}

function who(m: Pick<MessageDoc, "direction" | "origin">): string {
  if (m.direction === "in") return "Customer";
  return m.origin === "staff" ? "Staff" : "Bot";
}

/** One message of the conversation as a thread line. */
export function threadLine(m: Pick<MessageDoc, "direction" | "text" | "origin">): string {
  return `*${who(m)}:* ${escapeMrkdwn(m.text)}`;
}

export function handoffCard(f: HandoffCardFacts): SlackMessage {
  const name = f.name ?? f.contact?.profileName ?? "Customer";
  const header = `Conversation with ${name} (${f.conversation.phone}) is with a person`;
  const lines = f.recent.slice(-6).map(threadLine);
  const blocks: Block[] = [
    { type: "section", text: { type: "mrkdwn", text: `:raising_hand: *${escapeMrkdwn(header)}*` } },
    {
      type: "section",
      text: {
        type: "mrkdwn",
        text: `*Why:* ${describeReason(f.thread)}\n*Since:* ${formatSlackTime(f.thread.startedAt, f.now, f.timezone)}`,
      },
    },
  ];
  if (lines.length > 0) {
    blocks.push({ type: "section", text: { type: "mrkdwn", text: `*Last messages*\n${lines.join("\n")}` } });
  }
  const notes = [
    "Reply in this thread to answer the customer on WhatsApp; start a reply with `//` for an internal note.",
    f.autoResumeMs > 0
      ? `The bot takes over again after ${formatWait(f.autoResumeMs)} without a staff reply.`
      : undefined,
    f.previousLink ? `<${f.previousLink}|Previous handoff of this conversation>` : undefined,
  ].filter(Boolean);
  blocks.push({ type: "context", elements: [{ type: "mrkdwn", text: notes.join(" ") }] });
  if (f.thread.resumed) {
    const r = f.thread.resumed;
    const when = formatSlackTime(r.at, f.now, f.timezone);
    blocks.push({
      type: "section",
      text: {
        type: "mrkdwn",
        text: r.auto
          ? `:robot_face: The bot resumed on its own at ${when} (no staff reply for ${formatWait(f.autoResumeMs)}).`
          : `:robot_face: Bot resumed by ${mention(r.by)} at ${when}.`,
      },
    });
  } else {
    blocks.push({
      type: "actions",
      block_id: RESUME_BLOCK_ID,
      elements: [
        {
          type: "button",
          action_id: RESUME_ACTION_ID,
          text: { type: "plain_text", text: "Resume bot" },
          value: f.thread._id,
        },
      ],
    });
  }
  return { text: header, blocks };
}
