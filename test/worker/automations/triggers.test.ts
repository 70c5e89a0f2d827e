// Each of the ten trigger types fires its automation through the local engine: the gateway, the
// agent, the approvals and the automations themselves emit the trigger events; here the customer
// writes through a simulated phone, or the event is sent as its producer would send it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AutomationDefinitionInput, TriggerType } from "../../../shared/domain/automations.js";
import { defaultAutomationSeed } from "../../../shared/db/automations.js";
import { registeredFunctionId, workerAppId } from "../../../shared/inngest.js";
import { runnerFunctionId } from "../../../worker/automations/index.js";
import {
  ADMIN,
  listRuns,
  nextPhone,
  startAutomationHarness,
  type AutomationHarness,
} from "./support/automation-harness.js";

const DAY = 86_400_000;
let h: AutomationHarness;

beforeAll(async () => {
  h = await startAutomationHarness();
  await h.db.automations.seedAutomations(defaultAutomationSeed(), { kind: "system", id: "seed" });
});
afterAll(async () => {
  await h?.stop();
});

/** A contact and conversation that exist (the customer wrote once). */
async function customer() {
  const phone = nextPhone();
  await h.say(phone, "buenas tardes");
  const conversation = await h.conversation(phone);
  return {
    phone,
    conversation,
    scope: { accountId: "auto", conversationId: conversation._id, contactId: conversation.contactId },
  };
}

const tagsOf = async (contactId: string) => (await h.db.contacts.getById(contactId))?.tags ?? [];
const at = () => new Date(h.engine.nowMs()).toISOString();

describe("triggers", () => {
  it("contact.created: a new customer's first message runs the seeded new-lead automation, once", async () => {
    const phone = nextPhone();
    await h.say(phone, "hola");
    const conversation = await h.conversation(phone);
    const [run] = await h.finished("tag-new-leads");
    expect(run).toMatchObject({
      status: "succeeded",
      trigger: "contact.created",
      contactId: conversation.contactId,
      depth: 0,
    });
    expect(run?.actions).toEqual([
      expect.objectContaining({ type: "add_tag", status: "succeeded", detail: "tag lead added" }),
    ]);
    expect(await tagsOf(conversation.contactId)).toContain("lead");

    await h.say(phone, "¿sigues ahí?");
    const runs = (await h.executions("tag-new-leads")).filter((e) => e.contactId === conversation.contactId);
    expect(runs).toHaveLength(1);
    // Visible in the engine's runs too.
    const appId = workerAppId(h.worker.config);
    const engineRuns = await listRuns(
      h.engine.url,
      registeredFunctionId(appId, runnerFunctionId("contact.created")),
    );
    expect(engineRuns.some((r) => r.status === "completed")).toBe(true);
  });

  it("message.keyword: a keyword in a message runs the seeded wholesale tagger; other words do not", async () => {
    const { phone, conversation } = await customer();
    await h.say(phone, "¿Venden al por MAYOR?");
    const [run] = await h.finished("tag-wholesale-interest");
    expect(run).toMatchObject({ status: "succeeded", contactId: conversation.contactId });
    expect(await tagsOf(conversation.contactId)).toContain("mayoreo");

    const other = await customer();
    await h.say(other.phone, "quiero saber de mayoreos y distribuidores");
    expect((await h.executions("tag-wholesale-interest")).map((e) => e.contactId)).not.toContain(
      other.conversation.contactId,
    );
  });

  // The other eight: one automation each, fed the event its producer sends.
  const cases: [
    TriggerType,
    AutomationDefinitionInput["trigger"],
    (scope: Record<string, string>) => { name: string; data: Record<string, unknown> },
  ][] = [
    [
      "conversation.mode_changed",
      { type: "conversation.mode_changed", config: { to: ["promos"] } },
      (s) => ({
        name: "agent/mode.changed",
        data: { ...s, from: "collecting_data", to: "promos", at: at() },
      }),
    ],
    [
      "order.created",
      { type: "order.created" },
      (s) => ({
        name: "order/created",
        data: {
          ...s,
          orderId: "ORD-7K2M9QXA",
          total: { amountMinor: 49_900, currency: "MXN" },
          source: "agent",
          createdAt: at(),
        },
      }),
    ],
    [
      "order.status_changed",
      { type: "order.status_changed", config: { statuses: ["rejected"] } },
      (s) => ({
        name: "order/decided",
        data: {
          ...s,
          orderId: "ORD-7K2M9QXB",
          decision: "rejected",
          by: ADMIN.id,
          decidedAt: at(),
        },
      }),
    ],
    [
      "tag.added",
      { type: "tag.added", config: { tag: "vip" } },
      (s) => ({ name: "crm/tag.added", data: { ...s, tag: "vip", at: at() } }),
    ],
    [
      "tag.removed",
      { type: "tag.removed", config: { tag: "vip" } },
      (s) => ({ name: "crm/tag.removed", data: { ...s, tag: "vip", at: at() } }),
    ],
    [
      "stage.changed",
      { type: "stage.changed", config: { pipeline: "ventas", stage: "ganado" } },
      (s) => ({
        name: "crm/stage.changed",
        data: { ...s, pipeline: "ventas", stage: "ganado", from: "negociacion", at: at() },
      }),
    ],
    [
      "field.changed",
      { type: "field.changed", config: { field: "city" } },
      (s) => ({ name: "crm/contact.field-changed", data: { ...s, field: "city", at: at() } }),
    ],
  ];
  for (const [type, trigger, event] of cases) {
    it(`${type}: the event runs the automation`, async () => {
      const name = `on-${type.replace(/[._]/g, "-")}`;
      await h.define({
        name,
        trigger,
        actions: [{ type: "add_tag", tag: `fired-${type.replace(/[._]/g, "-")}` }],
      });
      const { scope } = await customer();
      const e = event(scope);
      await h.sendEvents([{ ...e, id: `test:${name}:${scope.contactId}` }]);
      await h.engine.settle();
      const [run] = await h.finished(name);
      expect(run).toMatchObject({
        status: "succeeded",
        trigger: type,
        triggerEvent: e.name,
        contactId: scope.contactId,
      });
      expect(await tagsOf(scope.contactId)).toContain(`fired-${type.replace(/[._]/g, "-")}`);
    });
  }

  it("contact.inactive: the hourly scan announces a contact silent for 30 days once per silence", async () => {
    await h.define({
      name: "on-inactive",
      trigger: { type: "contact.inactive", config: { days: 30 } },
      actions: [{ type: "add_tag", tag: "dormido" }],
    });
    const { phone, conversation } = await customer();
    await h.advance(29 * DAY);
    expect(await h.executions("on-inactive")).toHaveLength(0);
    await h.advance(DAY + 2 * 3_600_000);
    const mine = async () =>
      (await h.executions("on-inactive")).filter((e) => e.contactId === conversation.contactId);
    const [run] = await mine();
    expect(run).toMatchObject({
      status: "succeeded",
      contactId: conversation.contactId,
      triggerData: expect.objectContaining({ days: 30 }),
    });
    expect(await tagsOf(conversation.contactId)).toContain("dormido");
    // More silence is the same period: no second run.
    await h.advance(2 * 3_600_000);
    await h.advance(DAY);
    expect(
      (await h.executions("on-inactive")).filter((e) => e.contactId === conversation.contactId),
    ).toHaveLength(1);
    // The customer writes again: a new period starts, announced 30 days later.
    await h.say(phone, "hola de nuevo");
    await h.advance(31 * DAY);
    await h.finished("on-inactive", 2);
    expect(
      (await h.executions("on-inactive")).filter((e) => e.contactId === conversation.contactId),
    ).toHaveLength(2);
  });
});
