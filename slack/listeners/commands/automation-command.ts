// `/automation list|status|enable|disable|runs|test` (admins only). Refusals and usage are answered in
// the ack; everything that reads MongoDB is answered after it, through the command's response_url.
// enable/disable: one atomic update that records who and when, an audit entry, and the toggle event
// (the automations runner cancels pending delayed runs on it). runs/test only read: the history, and a
// dry run of the trigger and conditions against a contact as it is now.
import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import { clock } from "../../../shared/clock.js";
import { describeRecentRuns, dryRunAutomation } from "../../../shared/db/automation-inspect.js";
import { automationNameSchema } from "../../../shared/domain/automations.js";
import { automationDefinitionToggled, automationToggledEventId } from "../../../shared/events.js";
import { auditRefusal } from "../../access/audit-refusal.js";
import { isAdmin } from "../../access/roles.js";
import { formatDryRun, formatRecentRuns } from "../../commands/inspect-texts.js";
import type { SlackContext } from "../../context.js";
import {
  ADMINS_ONLY_TEXT,
  changedText,
  listText,
  statusText,
  unchangedText,
  unknownNameText,
} from "../../commands/automation-texts.js";
import { closestNames } from "../../commands/closest-names.js";
import { escapeMrkdwn } from "../../format/escape.js";
import { AUTOMATION_USAGE, echo, parseAutomationCommand, usageText } from "../../commands/parse.js";

type Args = SlackCommandMiddlewareArgs & AllMiddlewareArgs;

/** The dry run for each WhatsApp account that has this customer (Slack staff know the phone, not the account). */
async function dryRunText(ctx: SlackContext, name: string, phone: string): Promise<string> {
  const conversations = await ctx.db.conversations.listByPhone(phone);
  if (conversations.length === 0) return `No WhatsApp contact with ${phone}. Nothing was done.`;
  const texts: string[] = [];
  for (const { accountId } of conversations) {
    const result = await dryRunAutomation(ctx.db, name, phone, {
      accountId,
      defaultCountryCode: ctx.config.whatsapp.defaultCountryCode,
    });
    const text = escapeMrkdwn(formatDryRun(result));
    texts.push(conversations.length > 1 ? `WhatsApp account ${accountId}:\n${text}` : text);
  }
  return texts.join("\n\n");
}

export function automationCommandCallback(ctx: SlackContext) {
  const { db } = ctx;
  return async ({ command, ack, respond }: Args): Promise<void> => {
    const userId = command.user_id;
    if (!isAdmin(ctx.roles, userId)) {
      await ack({ response_type: "ephemeral", text: ADMINS_ONLY_TEXT });
      await auditRefusal(db, {
        userId,
        action: "automation.command_refused",
        subject: { type: "automation", id: "slash-command" },
        what: `/automation ${command.text}`,
      });
      return;
    }
    const parsed = parseAutomationCommand(command.text, ctx.config.whatsapp.defaultCountryCode);
    if (parsed.kind === "usage") {
      await ack({ response_type: "ephemeral", text: usageText(AUTOMATION_USAGE, parsed.problem) });
      return;
    }
    await ack();
    const say = (text: string) => respond({ response_type: "ephemeral", text });
    const textClock = () => ({ now: clock.now(), timezone: ctx.config.business.timezone });

    try {
      if (parsed.kind === "list") {
        await say(listText(await db.automations.list(), textClock()));
        return;
      }
      const name = automationNameSchema.safeParse(parsed.name);
      const found = name.success ? await db.automations.getByName(name.data) : null;
      if (!name.success || !found) {
        const known = (await db.automations.list()).map((a) => a.name);
        await say(unknownNameText(echo(parsed.name), closestNames(parsed.name, known)));
        return;
      }
      if (parsed.kind === "status") {
        await say(statusText(found, textClock()));
        return;
      }
      // Run details and dry runs quote customer text (names, messages): no mentions or links from it.
      if (parsed.kind === "runs") {
        await say(escapeMrkdwn(formatRecentRuns(await describeRecentRuns(db, found.name, parsed.count))));
        return;
      }
      if (parsed.kind === "test") {
        await say(await dryRunText(ctx, found.name, parsed.phone));
        return;
      }
      const enabled = parsed.kind === "enable";
      const by = { kind: "slack_user" as const, id: userId };
      const result = await db.automations.setEnabled(found.name, enabled, by);
      if (result.outcome === "not_found") {
        await say(unknownNameText(echo(parsed.name), []));
        return;
      }
      if (result.outcome !== "changed") {
        await say(unchangedText(result.automation, textClock()));
        return;
      }
      const automation = result.automation;
      const at = (enabled ? automation.enabledAt : automation.disabledAt) ?? clock.now();
      await db.audit.record({
        actor: by,
        action: enabled ? "automation.enabled" : "automation.disabled",
        subject: { type: "automation", id: automation.name },
        details: { version: automation.version },
      });
      try {
        await ctx.inngest.send(
          automationDefinitionToggled.create(
            {
              automationId: automation._id,
              automationName: automation.name,
              enabled,
              by: userId,
              at: at.toISOString(),
            },
            { id: automationToggledEventId(automation._id, enabled, at.toISOString()) },
          ),
        );
      } catch (error) {
        // The change itself is stored; only pending delayed runs are not cancelled early.
        ctx.logger.error(
          { automation: automation.name, error: String(error) },
          "could not announce the toggle",
        );
      }
      await say(changedText(automation, textClock()));
    } catch (error) {
      ctx.logger.error({ error: String(error) }, "/automation failed");
      await say("Something went wrong. Check with `/automation status <name>` before trying again.").catch(
        () => undefined,
      );
    }
  };
}
