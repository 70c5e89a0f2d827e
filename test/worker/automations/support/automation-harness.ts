// The worker harness with the automations engine: embedded MongoDB, the local engine (whose clock the
// product uses, so "one day later" is one POST /clock/advance), one worker with simulated phones
// (sales agent off, so only automations act), and an observer that records the events automations
// emit (crm/*, automation/*, agent/*, send requests) as the engine accepted them.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ConsoleLogger, Inngest } from "inngest";
import type { InngestFunction } from "inngest";
import { serve } from "inngest/express";
import { clock } from "../../../../shared/clock.js";
import { createAutomationFunctions } from "../../../../worker/automations/index.js";
import { createProactiveSendFunction } from "../../../../worker/outbound/proactive-send.js";
import type { Env } from "../../../../shared/config/index.js";
import type { Actor } from "../../../../shared/domain/actor.js";
import type { AutomationDefinitionInput } from "../../../../shared/domain/automations.js";
import type { AutomationDoc, AutomationExecutionDoc, ConversationDoc } from "../../../../shared/db/index.js";
import {
  agentHandoffRequested,
  agentModeChanged,
  automationDefinitionToggled,
  automationExecutionFinished,
  automationSlackNotifyRequested,
  automationTaskCreateRequested,
  automationToggledEventId,
  crmContactCreated,
  crmContactFieldChanged,
  crmContactInactive,
  crmStageChanged,
  crmTagAdded,
  crmTagRemoved,
  whatsappMessageSendRequested,
} from "../../../../shared/events.js";
import {
  eventually,
  startHarness,
  type Harness,
  type ObservedEvent,
  type TestWorker,
} from "../../support/worker-harness.js";

export { eventually, listRuns, nextPhone } from "../../support/worker-harness.js";

export const ADMIN: Actor = { kind: "slack_user", id: "U0ADMIN01", name: "Admin" };

export interface AutomationHarness extends Harness {
  events: ObservedEvent[];
  worker: TestWorker;
  /** Creates (and by default enables) an automation. */
  define(definition: AutomationDefinitionInput, enabled?: boolean): Promise<AutomationDoc>;
  /** The customer writes; resolves once everything it set off has settled. */
  say(phone: string, text: string): Promise<void>;
  conversation(phone: string): Promise<ConversationDoc>;
  /** Executions of an automation, oldest first. */
  executions(name: string): Promise<AutomationExecutionDoc[]>;
  /** Waits for `count` executions of `name` in a final state. */
  finished(name: string, count?: number): Promise<AutomationExecutionDoc[]>;
  advance(ms: number): Promise<void>;
  /** What the Slack side does on `/automation disable`: the atomic update, then the toggle event. */
  disable(name: string): Promise<void>;
  eventsNamed(name: string): ObservedEvent[];
}

export async function startAutomationHarness(env: Env = {}): Promise<AutomationHarness> {
  const h = await startHarness();
  const restoreClock = clock.use(() => h.engine.nowMs());
  const events: ObservedEvent[] = [];
  const silent = () => new ConsoleLogger({ level: "silent" });
  const observer = new Inngest({
    id: "automation-observer",
    baseUrl: h.engine.url,
    isDev: true,
    logger: silent(),
    internalLogger: silent(),
  });
  const record = (trigger: { name: string }): InngestFunction.Any =>
    observer.createFunction(
      { id: `record-${trigger.name.replace(/[^a-z0-9]+/g, "-")}`, triggers: [trigger as typeof crmTagAdded] },
      async ({ event }) => {
        events.push({ name: event.name, id: event.id, data: event.data as Record<string, unknown> });
        return "recorded";
      },
    );
  const app = express();
  app.use(
    "/api/inngest",
    express.json({ limit: "10mb" }),
    serve({
      client: observer,
      functions: [
        crmContactCreated,
        crmTagAdded,
        crmTagRemoved,
        crmStageChanged,
        crmContactFieldChanged,
        crmContactInactive,
        agentModeChanged,
        agentHandoffRequested,
        automationSlackNotifyRequested,
        automationTaskCreateRequested,
        automationExecutionFinished,
        whatsappMessageSendRequested,
      ].map(record),
    }),
  );
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  await h.engine.syncApp(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`);
  // The proactive sender plus the automations: the sales agent and the order-decision notice stay off,
  // so only automations write to customers.
  const worker = await h.startWorker("auto", env, {
    functions: (deps) => [createProactiveSendFunction(deps), ...createAutomationFunctions(deps)],
  });

  const settle = async () => {
    await h.engine.settle();
  };
  const harness: AutomationHarness = {
    ...h,
    events,
    worker,
    async define(definition, enabled = true) {
      const created = await h.db.automations.create(definition, ADMIN);
      if (created.outcome !== "created") throw new Error(`automation ${String(definition.name)} exists`);
      if (!enabled) return created.automation;
      const result = await h.db.automations.setEnabled(created.automation.name, true, ADMIN);
      if (result.outcome !== "changed") throw new Error("enable failed");
      return result.automation;
    },
    async say(phone, text) {
      await worker.phones.receive({ from: phone, text, name: "Ana" });
      await settle();
    },
    async conversation(phone) {
      const conversation = await h.db.conversations.findByPhone(worker.accountId, phone);
      if (!conversation) throw new Error(`no conversation with ${phone}`);
      return conversation;
    },
    async executions(name) {
      return (await h.db.automationExecutions.listRecent({ automationName: name }, 100)).reverse();
    },
    async finished(name, count = 1) {
      return eventually(
        async () => {
          const all = await harness.executions(name);
          const done = all.filter((e) => e.status !== "running");
          return done.length >= count ? done : undefined;
        },
        15_000,
        `${count} finished executions of ${name}`,
      );
    },
    async advance(ms) {
      await h.engine.advance(ms);
      await settle();
    },
    async disable(name) {
      const result = await h.db.automations.setEnabled(name, false, ADMIN);
      if (result.outcome !== "changed") throw new Error(`disable ${name}: ${result.outcome}`);
      const at = (result.automation.disabledAt ?? new Date()).toISOString();
      await h.sendEvents([
        {
          name: automationDefinitionToggled.name,
          id: automationToggledEventId(result.automation._id, false, at),
          data: {
            automationId: result.automation._id,
            automationName: name,
            enabled: false,
            by: ADMIN.id,
            at,
          },
        },
      ]);
    },
    eventsNamed: (name) => events.filter((e) => e.name === name),
    async stop() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      restoreClock();
      await h.stop();
    },
  };
  return harness;
}
