// How the automation functions are registered: one dispatcher and one runner per trigger type, the
// runner's flow control (5 runs at a time per WhatsApp account, cancelled by a disable toggle), and
// the trigger-type → event table agreeing with the catalogue.
import { describe, expect, it } from "vitest";
import { TRIGGER_TYPES } from "../../../shared/domain/automations.js";
import { TRIGGER_EVENTS } from "../../../shared/domain/automations-triggers.js";
import { automationTriggers, eventsByName } from "../../../shared/events.js";
import { dispatcherFunctionId, runnerFunctionId } from "../../../worker/automations/index.js";
import { TRIGGER_EVENT_TYPES } from "../../../worker/automations/trigger-events.js";
import { servedByWorker } from "../../support/served-functions.js";

type Opts = {
  id: string;
  triggers: { event?: { name: string } | string; if?: string; cron?: string }[];
  concurrency?: unknown;
  cancelOn?: { event: { name: string } | string; match?: string; if?: string }[];
};
const byId = new Map(servedByWorker().map((fn) => [fn.opts.id, fn.opts as unknown as Opts]));
const eventName = (e: { name: string } | string | undefined) => (typeof e === "string" ? e : e?.name);

describe("automation functions", () => {
  it("the worker serves automation-<trigger> and its dispatcher for each of the ten trigger types", () => {
    expect(TRIGGER_TYPES).toHaveLength(10);
    for (const type of TRIGGER_TYPES) {
      const runner = byId.get(runnerFunctionId(type));
      const dispatcher = byId.get(dispatcherFunctionId(type));
      expect(runner, type).toBeDefined();
      expect(dispatcher, type).toBeDefined();
      expect(eventName(dispatcher?.triggers[0]?.event)).toBe(TRIGGER_EVENTS[type]);
      expect(dispatcher?.triggers[0]?.if).toBe("event.data.accountId == 'default'");
      expect(eventName(runner?.triggers[0]?.event)).toBe("automation/run.requested");
      expect(runner?.triggers[0]?.if).toBe(
        `event.data.trigger == '${type}' && event.data.accountId == 'default'`,
      );
      expect(runner?.concurrency).toEqual({ key: "event.data.accountId", limit: 5 });
      expect(runner?.cancelOn?.map((c) => [eventName(c.event), c.match, c.if])).toEqual([
        ["automation/definition.toggled", "data.automationId", "async.data.enabled == false"],
      ]);
    }
    expect(runnerFunctionId("contact.created")).toBe("automation-contact-created");
    expect(byId.get("automation-inactivity-scan")?.triggers).toEqual([{ cron: "0 * * * *" }]);
  });

  it("each trigger type's event is a catalogue automation trigger", () => {
    expect(new Set(Object.values(TRIGGER_EVENTS))).toEqual(new Set(automationTriggers.map((e) => e.name)));
    for (const type of TRIGGER_TYPES) {
      expect(TRIGGER_EVENT_TYPES[type]).toBe(eventsByName.get(TRIGGER_EVENTS[type]));
    }
  });
});
