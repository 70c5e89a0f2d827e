// The App Home tab: what the app does, what the person may do, and how many orders wait. Pure.
import type { Block } from "../../approvals/card.js";

export function homeView(facts: { pendingOrders: number; isAdmin: boolean; canDecide: boolean }): {
  type: "home";
  blocks: Block[];
} {
  const role = facts.isAdmin ? "an admin (and approver)" : facts.canDecide ? "an approver" : "a member";
  const commands = [
    facts.canDecide ? "• `/orders pending`: orders waiting for approval, oldest first" : undefined,
    facts.canDecide
      ? "• `/bot pause <phone>` / `/bot resume <phone>`: take a conversation over, give it back"
      : undefined,
    facts.isAdmin ? "• `/automation list|status|enable|disable <name>`: CRM automations" : undefined,
  ].filter(Boolean);
  return {
    type: "home",
    blocks: [
      { type: "header", text: { type: "plain_text", text: "Sales bot" } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `Orders from WhatsApp wait for approval in the approvals channel. *${facts.pendingOrders}* waiting now.\nYou are ${role}.`,
        },
      },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: commands.length > 0 ? commands.join("\n") : "Ask an admin if you should approve orders.",
        },
      },
    ],
  };
}
