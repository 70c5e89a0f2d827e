import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { clock } from "../../../shared/clock.js";
import type { Actor } from "../../../shared/domain/actor.js";
import type { AutomationDefinitionInput } from "../../../shared/domain/automations.js";
import type { TestDb } from "./harness.js";
import { openTestDb } from "./harness.js";

let t: TestDb;
beforeAll(async () => {
  t = await openTestDb();
});
afterAll(async () => {
  await t?.stop();
});

const admin: Actor = { kind: "slack_user", id: "U0ADMIN01", name: "Admin" };
const other: Actor = { kind: "slack_user", id: "U0OTHER01", name: "Other" };

function definition(name: string): AutomationDefinitionInput {
  return {
    name,
    trigger: { type: "order.status_changed", config: { statuses: ["approved"] } },
    actions: [{ type: "send_whatsapp", text: "¡Gracias por tu compra!" }],
  };
}

describe("automation definitions", () => {
  it("creates automations disabled and refuses a second one with the same name", async () => {
    const created = await t.db.automations.create(definition("thanks-after-approval"), admin);
    expect(created.outcome).toBe("created");
    expect(created.automation).toMatchObject({ enabled: false, version: 1, createdBy: admin });
    const again = await t.db.automations.create(definition("Thanks-After-Approval"), other);
    expect(again.outcome).toBe("name_taken");
  });

  it("refuses an invalid definition before it reaches the database", async () => {
    await expect(
      t.db.automations.create({ ...definition("bad-one"), actions: [{ type: "rm_rf" }] } as never, admin),
    ).rejects.toThrow(/invalid input/);
    expect(await t.db.automations.getByName("bad-one")).toBeNull();
  });

  it("versions updates and detects a concurrent edit", async () => {
    await t.db.automations.create(definition("versioned"), admin);
    const updated = await t.db.automations.update(
      "versioned",
      { ...definition("versioned"), description: "v2" },
      admin,
      1,
    );
    expect(updated.outcome === "updated" && updated.automation.version).toBe(2);
    expect(await t.db.automations.update("versioned", definition("versioned"), other, 1)).toEqual({
      outcome: "version_conflict",
      currentVersion: 2,
    });
  });
});

describe("enabling and disabling", () => {
  it("records who enabled it and when, and says 'already enabled' (with who) on a repeat", async () => {
    await t.db.automations.create(definition("welcome"), admin);
    const enabled = await t.db.automations.setEnabled("welcome", true, admin);
    expect(enabled.outcome).toBe("changed");
    if (enabled.outcome !== "changed") return;
    expect(enabled.automation).toMatchObject({ enabled: true, enabledBy: admin, updatedBy: admin });
    expect(enabled.automation.enabledAt).toBeInstanceOf(Date);

    const repeat = await t.db.automations.setEnabled("welcome", true, other);
    expect(repeat.outcome).toBe("already_enabled");
    expect(repeat.outcome === "already_enabled" && repeat.automation.enabledBy).toEqual(admin);
    expect(await t.db.automations.isEnabled("welcome")).toBe(true);
    expect(
      (await t.db.automations.listEnabledForTrigger("order.status_changed")).map((a) => a.name),
    ).toContain("welcome");

    const disabled = await t.db.automations.setEnabled("welcome", false, other);
    expect(disabled.outcome === "changed" && disabled.automation).toMatchObject({
      enabled: false,
      disabledBy: other,
      enabledBy: admin,
      updatedBy: other,
    });
    expect(await t.db.automations.isEnabled("welcome")).toBe(false);
    // What the dispatchers read follows the change at once (it is kept between trigger events).
    expect(
      (await t.db.automations.listEnabledForTrigger("order.status_changed")).map((a) => a.name),
    ).not.toContain("welcome");
  });

  it("gives the dispatchers a new, edited or re-enabled definition on their next read", async () => {
    const names = async () =>
      (await t.db.automations.listEnabledForTrigger("order.status_changed")).map((a) => a.name);
    const before = await names();
    await t.db.automations.create(definition("follow-up"), admin);
    expect(await names()).toEqual(before);
    await t.db.automations.setEnabled("follow-up", true, admin);
    expect(await names()).toContain("follow-up");
    await t.db.automations.update(
      "follow-up",
      { ...definition("follow-up"), trigger: { type: "order.created", config: {} } },
      admin,
    );
    expect(await names()).not.toContain("follow-up");
    expect((await t.db.automations.listEnabledForTrigger("order.created")).map((a) => a.name)).toContain(
      "follow-up",
    );
  });

  it("lets exactly one of two concurrent enables change the flag", async () => {
    await t.db.automations.create(definition("racy"), admin);
    const results = await Promise.all([
      t.db.automations.setEnabled("racy", true, admin),
      t.db.automations.setEnabled("racy", true, other),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["already_enabled", "changed"]);
  });

  it("reports an unknown automation", async () => {
    expect(await t.db.automations.setEnabled("nope", true, admin)).toEqual({ outcome: "not_found" });
  });
});

describe("automation executions", () => {
  const beginFor = (automationId: string, name: string, triggerEventId: string, contactId: string) => ({
    automationId,
    automationName: name,
    automationVersion: 1,
    trigger: "order.status_changed" as const,
    triggerEventId,
    triggerEvent: "order/decided",
    triggerData: { decision: "approved" },
    contactId,
    depth: 0,
    actions: ["add_tag" as const, "send_whatsapp" as const],
    status: "running" as const,
    matched: true,
  });

  it("runs an automation once per trigger event, even when the event is delivered twice", async () => {
    const created = await t.db.automations.create(definition("once-per-event"), admin);
    if (created.outcome !== "created") throw new Error("setup");
    const begin = beginFor(created.automation._id, "once-per-event", "evt_01", "ct_1");
    const [a, b] = await Promise.all([
      t.db.automationExecutions.begin(begin),
      t.db.automationExecutions.begin(begin),
    ]);
    expect([a.started, b.started].sort()).toEqual([false, true]);
    const run = a.started ? a.execution : b.execution;
    expect(run.expireAt.getTime() - run.startedAt.getTime()).toBe(90 * 86_400_000);
    expect(run.actions.map((x) => [x.type, x.status])).toEqual([
      ["add_tag", "pending"],
      ["send_whatsapp", "pending"],
    ]);

    const at = new Date();
    await t.db.automationExecutions.updateAction(run._id, 0, {
      status: "succeeded",
      detail: "tag added",
      startedAt: at,
      finishedAt: at,
    });
    const finished = await t.db.automationExecutions.finish(run._id, {
      status: "failed",
      error: "action 2 failed",
    });
    // The finished execution as stored (what the run announces).
    expect(finished).toEqual({ ok: true, execution: await t.db.automationExecutions.getById(run._id) });
    expect(await t.db.automationExecutions.finish(run._id, { status: "succeeded" })).toEqual({ ok: false });
    // A finished execution takes no more action updates.
    expect(await t.db.automationExecutions.updateAction(run._id, 1, { status: "succeeded" })).toEqual({
      ok: false,
    });

    const stored = await t.db.automationExecutions.getById(run._id);
    expect(stored).toMatchObject({
      status: "failed",
      actions: [
        { index: 0, status: "succeeded", detail: "tag added" },
        { index: 1, status: "skipped" },
      ],
    });
    expect(
      await t.db.automationExecutions.countRunsForContactSince(created.automation._id, "ct_1", new Date(0)),
    ).toBe(1);
    const logs = await t.db.automationExecutions.listRecent({ automationName: "once-per-event" });
    expect(logs.map((l) => l._id)).toEqual([run._id]);
  });

  it("does not count runs that never started against the per-contact cap", async () => {
    const created = await t.db.automations.create(definition("capped"), admin);
    if (created.outcome !== "created") throw new Error("setup");
    const base = beginFor(created.automation._id, "capped", "evt_s", "ct_2");
    const unmatched = await t.db.automationExecutions.begin({
      ...base,
      status: "not_matched",
      matched: false,
      failedCondition: "group 1: order.totalMinor gt 100000 (was 100)",
    });
    expect(unmatched.execution.actions.every((x) => x.status === "skipped")).toBe(true);
    const ran = await t.db.automationExecutions.begin({ ...base, triggerEventId: "evt_r" });
    await t.db.automationExecutions.finish(ran.execution._id, { status: "succeeded" });
    expect(
      await t.db.automationExecutions.countRunsForContactSince(created.automation._id, "ct_2", new Date(0)),
    ).toBe(1);
  });

  it("marks the running executions of an automation cancelled, once", async () => {
    const created = await t.db.automations.create(definition("cancel-me"), admin);
    if (created.outcome !== "created") throw new Error("setup");
    const run = await t.db.automationExecutions.begin(
      beginFor(created.automation._id, "cancel-me", "evt_c", "ct_3"),
    );
    expect(
      await t.db.automationExecutions.cancelRunning(created.automation._id, "disabled by U0ADMIN01"),
    ).toEqual({ cancelled: 1 });
    expect(await t.db.automationExecutions.cancelRunning(created.automation._id, "again")).toEqual({
      cancelled: 0,
    });
    expect(await t.db.automationExecutions.getById(run.execution._id)).toMatchObject({
      status: "cancelled",
      reason: "disabled by U0ADMIN01",
      actions: [{ status: "skipped" }, { status: "skipped" }],
    });
  });
});

describe("audit log and dedupe keys", () => {
  it("records who did what to which subject, newest first", async () => {
    // Both in the same millisecond, as fast successive decisions often are: the order must still hold.
    const now = Date.now();
    const restore = clock.use(() => now);
    try {
      await t.db.audit.record({
        actor: admin,
        action: "automation.enabled",
        subject: { type: "automation", id: "welcome" },
        details: { previous: false },
      });
      await t.db.audit.record({
        actor: other,
        action: "automation.disabled",
        subject: { type: "automation", id: "welcome" },
      });
    } finally {
      restore();
    }
    const entries = await t.db.audit.listForSubject("automation", "welcome");
    expect(entries.map((e) => [e.action, e.actor])).toEqual([
      ["automation.disabled", other],
      ["automation.enabled", admin],
    ]);
    expect(entries[1]?.at).toBeInstanceOf(Date);
  });

  it("claims a delivery key once", async () => {
    expect(await t.db.dedupe.claim("slack.event", "Ev123", 60_000)).toEqual({ first: true });
    expect(await t.db.dedupe.claim("slack.event", "Ev123", 60_000)).toEqual({ first: false });
    expect(await t.db.dedupe.claim("slack.event", "Ev124", 60_000)).toEqual({ first: true });
  });

  it("forgets a key once its time to live has passed (by the product's clock)", async () => {
    expect(await t.db.dedupe.claim("webhook", "W1", 60_000)).toEqual({ first: true });
    const restore = clock.use(() => Date.now() + 61_000);
    try {
      expect(await t.db.dedupe.claim("webhook", "W1", 60_000)).toEqual({ first: true });
      expect(await t.db.dedupe.claim("webhook", "W1", 60_000)).toEqual({ first: false });
    } finally {
      restore();
    }
  });
});
