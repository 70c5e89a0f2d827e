// The automations' Slack actions: "notify Slack" posts its text (variables already filled in by the
// worker) to its channel or the sales channel; "create task" gives the task to its assignee in a
// direct message from the bot (a task is one person's to do, like a CRM's task notification). The
// engine keeps one event per action run (its id), and each post is one step.
import { clock } from "../../shared/clock.js";
import { automationSlackNotifyRequested, automationTaskCreateRequested } from "../../shared/events.js";
import type { SlackClient, SlackContext } from "../context.js";
import { escapeMrkdwn } from "../format/escape.js";
import { formatSlackTime, mention } from "../format/time.js";

export const AUTOMATION_NOTIFY_ID = "automation-slack-notify";
export const AUTOMATION_TASK_ID = "automation-slack-task";

export interface AutomationSlackDeps extends SlackContext {
  client: SlackClient;
}

export function createAutomationNotify(deps: AutomationSlackDeps) {
  return deps.inngest.createFunction(
    {
      id: AUTOMATION_NOTIFY_ID,
      name: "Post an automation's Slack notification",
      triggers: [{ event: automationSlackNotifyRequested }],
    },
    async ({ event, step }) => {
      const { channel, text, automationName } = event.data;
      return step.run("post", async () => {
        const sent = await deps.client.chat.postMessage({
          channel: channel ?? deps.config.slack.salesChannel,
          text,
          blocks: [
            { type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(text) } },
            {
              type: "context",
              elements: [{ type: "mrkdwn", text: `Automation *${escapeMrkdwn(automationName)}*` }],
            },
          ] as never,
        });
        return { channel: sent.channel, ts: sent.ts };
      });
    },
  );
}

export function createAutomationTask(deps: AutomationSlackDeps) {
  return deps.inngest.createFunction(
    {
      id: AUTOMATION_TASK_ID,
      name: "Give an automation's task to a person in Slack",
      triggers: [{ event: automationTaskCreateRequested }],
    },
    async ({ event, step }) => {
      const { assignee, title, dueAt, automationName } = event.data;
      return step.run("post", async () => {
        const due = dueAt
          ? ` (due ${formatSlackTime(new Date(dueAt), clock.now(), deps.config.business.timezone)})`
          : "";
        const text = `:memo: Task for ${mention(assignee)}: ${escapeMrkdwn(title)}${due}`;
        // A user id as the channel posts in the bot's DM with that person.
        const sent = await deps.client.chat.postMessage({
          channel: assignee,
          text,
          blocks: [
            { type: "section", text: { type: "mrkdwn", text } },
            {
              type: "context",
              elements: [{ type: "mrkdwn", text: `Automation *${escapeMrkdwn(automationName)}*` }],
            },
          ] as never,
        });
        return { channel: sent.channel, ts: sent.ts };
      });
    },
  );
}
