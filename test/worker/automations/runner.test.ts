// The runner through the local engine: actions in order with their own steps, a delay on the engine
// clock, disabling mid-run (stopped) and while waiting (cancelled), the first failure skipping the
// rest, cascades and self-triggers stopped as loops, no event for a change that changes nothing,
// WhatsApp sends that honour handoff, and the Slack-side events of notify/task/handoff actions.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAutomationSeed } from "../../../shared/db/automations.js";
import { registeredFunctionId, workerAppId } from "../../../shared/inngest.js";
import {
  runnerFunctionId,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  webhookSignature,
} from "../../../worker/automations/index.js";
import {
  eventually,
  listRuns,
  nextPhone,
  startAutomationHarness,
  type AutomationHarness,
} from "./support/automation-harness.js";

const MINUTE = 60_000;
const HOUR = 3_600_000;
const SECRET = "test-webhook-secret";

let h: AutomationHarness;
let receiver: Server;
let receiverUrl: string;
const received: { headers: IncomingMessage["headers"]; body: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString("utf8")));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(req.url === "/fail" ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  // The local receiver is on loopback: this worker allowlists exactly that address.
  h = await startAutomationHarness({
    AUTOMATION_WEBHOOK_SECRET: SECRET,
    AUTOMATION_WEBHOOK_ALLOWLIST: "127.0.0.1",
  });
  await h.db.automations.seedAutomations(defaultAutomationSeed(), { kind: "system", id: "seed" });
});
afterAll(async () => {
  await h?.stop();
  receiver?.closeAllConnections();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function customer(text = "buenas tardes") {
  const phone = nextPhone();
  await h.say(phone, text);
  const conversation = await h.conversation(phone);
  return {
    phone,
    conversation,
    scope: { accountId: "auto", conversationId: conversation._id, contactId: conversation.contactId },
  };
}
const tagsOf = async (contactId: string) => (await h.db.contacts.getById(contactId))?.tags ?? [];
const at = () => new Date(h.engine.nowMs()).toISOString();
let seq = 0;
/** Fires a tag.added trigger for the contact, as the Slack side or an import would. */
async function tagAdded(scope: Record<string, string>, tag: string) {
  seq += 1;
  await h.sendEvents([{ name: "crm/tag.added", id: `test:tag:${seq}`, data: { ...scope, tag, at: at() } }]);
  await h.engine.settle();
}
const mineOf = async (name: string, contactId: string) =>
  (await h.executions(name)).filter((e) => e.contactId === contactId);

describe("actions in order", () => {
  it("runs each action in its own step, with the delay on the engine clock (the seeded follow-up)", async () => {
    const { phone, conversation, scope } = await customer();
    await h.db.conversations.saveCollected(conversation._id, {
      name: "Ana López",
      address: "Av. Reforma 123",
      city: "León",
    });
    const created = await h.db.orders.createFromConversation({
      conversationId: conversation._id,
      lines: [{ sku: "COLAGENO-500", pack: "1x", qty: 1 }],
      source: "agent",
    });
    if (created.status === "rejected") throw new Error(`order: ${created.reason}`);
    const orderId = created.order._id;
    await h.db.orders.decide(orderId, "approved", { kind: "slack_user", id: "U0ADMIN01" });
    await h.sendEvents([
      {
        name: "order/decided",
        id: `order:${orderId}:decided`,
        data: { ...scope, orderId, decision: "approved", by: "U0ADMIN01", decidedAt: at() },
      },
    ]);
    await h.engine.settle();
    const running = await eventually(async () => {
      const [e] = await mineOf("follow-up-after-approval", scope.contactId);
      return e?.actions[2]?.status === "running" ? e : undefined;
    });
    expect(running.actions.map((a) => [a.type, a.status])).toEqual([
      ["remove_tag", "succeeded"],
      ["add_tag", "succeeded"],
      ["delay", "running"],
      ["send_whatsapp", "pending"],
    ]);
    expect(await tagsOf(scope.contactId)).toEqual(["customer"]);

    await h.advance(23 * HOUR);
    expect(h.worker.phones.outbound(phone)).toHaveLength(0);
    await h.advance(HOUR + MINUTE);
    await eventually(() => (h.worker.phones.outbound(phone).length > 0 ? true : undefined));
    expect(h.worker.phones.outbound(phone).map((m) => m.text)).toEqual([
      `Hola Ana López, ¿Llegó bien tu pedido ${orderId}?`,
    ]);
    const [done] = await h.finished("follow-up-after-approval");
    expect(done?.status).toBe("succeeded");
    const appId = workerAppId(h.worker.config);
    const runs = await listRuns(
      h.engine.url,
      registeredFunctionId(appId, runnerFunctionId("order.status_changed")),
    );
    const run = runs.find((r) => r.steps.some((s) => s.id === "action-3-send_whatsapp"));
    expect(run?.steps.map((s) => s.id)).toEqual(
      expect.arrayContaining([
        "evaluate",
        "action-0-remove_tag",
        "action-1-add_tag",
        "action-2-delay",
        "action-2-delay-wait",
        "action-3-send_whatsapp",
        "finish",
      ]),
    );
  });

  it("an action that changes nothing emits no event", async () => {
    await h.define({
      name: "tag-twice",
      trigger: { type: "tag.added", config: { tag: "start-twice" } },
      actions: [
        { type: "add_tag", tag: "dup" },
        { type: "add_tag", tag: "dup" },
      ],
    });
    const { scope } = await customer();
    await tagAdded(scope, "start-twice");
    const [run] = await h.finished("tag-twice");
    expect(run?.actions.map((a) => a.detail)).toEqual([
      "tag dup added",
      "already tagged dup: nothing changed",
    ]);
    const emitted = h
      .eventsNamed("crm/tag.added")
      .filter((e) => e.data["contactId"] === scope.contactId && e.data["tag"] === "dup");
    expect(emitted).toHaveLength(1);
  });
});

describe("disabling", () => {
  const slow = (name: string) => ({
    name,
    trigger: { type: "tag.added" as const, config: { tag: name } },
    actions: [
      { type: "add_tag" as const, tag: "first" },
      { type: "delay" as const, duration: "10m" },
      { type: "add_tag" as const, tag: "second" },
    ],
  });
  const waiting = (name: string, contactId: string) =>
    eventually(async () => {
      const [e] = await mineOf(name, contactId);
      return e?.actions[1]?.status === "running" ? e : undefined;
    });

  it("a run finds its automation disabled before the next action: stopped, the rest skipped", async () => {
    await h.define(slow("disable-mid"));
    const { scope } = await customer();
    await tagAdded(scope, "disable-mid");
    await waiting("disable-mid", scope.contactId);
    // Disabled in MongoDB only (no toggle event reaches this run): the run stops at the next action.
    await h.db.automations.setEnabled("disable-mid", false, { kind: "slack_user", id: "U0ADMIN01" });
    await h.advance(11 * MINUTE);
    const [run] = await h.finished("disable-mid");
    expect(run).toMatchObject({ status: "stopped", reason: "disabled before action 3 (add_tag)" });
    expect(run?.actions.map((a) => a.status)).toEqual(["succeeded", "succeeded", "skipped"]);
    expect(await tagsOf(scope.contactId)).not.toContain("second");
  });

  it("the toggle event cancels a run waiting in a delay", async () => {
    const automation = await h.define(slow("cancel-in-delay"));
    const { scope } = await customer();
    await tagAdded(scope, "cancel-in-delay");
    const execution = await waiting("cancel-in-delay", scope.contactId);
    await h.disable("cancel-in-delay");
    await h.engine.settle();
    const appId = workerAppId(h.worker.config);
    const fnId = registeredFunctionId(appId, runnerFunctionId("tag.added"));
    await eventually(async () => {
      const runs = await listRuns(h.engine.url, fnId);
      const mine = runs.filter(
        (r) =>
          (r as { event?: { data?: { automationId?: string } } }).event?.data?.automationId ===
          automation._id,
      );
      return mine.length > 0 && mine.every((r) => r.status === "cancelled") ? true : undefined;
    });
    await h.advance(11 * MINUTE);
    const stored = await h.db.automationExecutions.getById(execution._id);
    expect(stored).toMatchObject({ status: "cancelled", reason: "disabled by U0ADMIN01" });
    expect(stored?.actions.map((a) => a.status)).toEqual(["succeeded", "skipped", "skipped"]);
    expect(await tagsOf(scope.contactId)).not.toContain("second");
  });
});

describe("failures", () => {
  it("the first failing action stops the run; the rest are recorded skipped", async () => {
    await h.define({
      name: "fail-then-skip",
      trigger: { type: "tag.added", config: { tag: "fail-then-skip" } },
      actions: [
        { type: "add_tag", tag: "before" },
        { type: "webhook", url: `${receiverUrl}/fail` },
        { type: "add_tag", tag: "after" },
      ],
    });
    const { scope } = await customer();
    await tagAdded(scope, "fail-then-skip");
    const [run] = await h.finished("fail-then-skip");
    expect(run).toMatchObject({ status: "failed", error: "action 2 (webhook): HTTP 500" });
    expect(run?.actions.map((a) => [a.status, a.error])).toEqual([
      ["succeeded", undefined],
      ["failed", "HTTP 500"],
      ["skipped", undefined],
    ]);
    expect(await tagsOf(scope.contactId)).toContain("before");
    expect(await tagsOf(scope.contactId)).not.toContain("after");
  });

  it("a webhook to a refused address fails the action (metadata address)", async () => {
    await h.define({
      name: "metadata-hook",
      trigger: { type: "tag.added", config: { tag: "metadata-hook" } },
      actions: [{ type: "webhook", url: "http://169.254.169.254/latest/meta-data/" }],
    });
    const { scope } = await customer();
    await tagAdded(scope, "metadata-hook");
    const [run] = await h.finished("metadata-hook");
    expect(run?.status).toBe("failed");
    expect(run?.actions[0]?.error).toMatch(/refused 169\.254\.169\.254: .*link-local/);
  });
});

describe("webhook", () => {
  it("POSTs the run as JSON with an HMAC-SHA256 signature the receiver can check", async () => {
    await h.define({
      name: "signed-hook",
      trigger: { type: "tag.added", config: { tag: "signed-hook" } },
      actions: [{ type: "webhook", url: `${receiverUrl}/hook?x=1` }],
    });
    const { scope } = await customer();
    const before = received.length;
    await tagAdded(scope, "signed-hook");
    const [run] = await h.finished("signed-hook");
    expect(run?.actions[0]).toMatchObject({ status: "succeeded", detail: "HTTP 204" });
    const delivery = received.slice(before).at(-1);
    if (!delivery) throw new Error("no delivery");
    const timestamp = String(delivery.headers[TIMESTAMP_HEADER]);
    expect(delivery.headers[SIGNATURE_HEADER]).toBe(webhookSignature(SECRET, timestamp, delivery.body));
    expect(delivery.headers[SIGNATURE_HEADER]).not.toBe(
      webhookSignature("another-secret", timestamp, delivery.body),
    );
    expect(JSON.parse(delivery.body)).toMatchObject({
      automation: "signed-hook",
      executionId: run?._id,
      trigger: { event: "crm/tag.added", data: expect.objectContaining({ tag: "signed-hook" }) },
      contact: expect.objectContaining({
        id: scope.contactId,
        tags: expect.arrayContaining(["lead"]),
      }),
    });
  });
});

describe("cascades", () => {
  it("an automation that would trigger itself is stopped and recorded as a loop", async () => {
    const automation = await h.define({
      name: "self-trigger",
      trigger: { type: "tag.added" },
      conditions: { groups: [{ rules: [{ field: "event.tag", op: "starts_with", value: "self-" }] }] },
      actions: [{ type: "add_tag", tag: "self-again" }],
    });
    const { scope } = await customer();
    await tagAdded(scope, "self-start");
    await h.engine.settle();
    const runs = await eventually(async () => {
      // Only the runs on its own tags (the new-lead tag also passes by, and does not match).
      const all = (await mineOf("self-trigger", scope.contactId)).filter((e) => e.matched);
      return all.length >= 2 && all.every((e) => e.status !== "running") ? all : undefined;
    });
    expect(runs.map((e) => [e.status, e.depth])).toEqual([
      ["succeeded", 0],
      ["loop", 1],
    ]);
    expect(runs[1]).toMatchObject({
      causedBy: [automation._id],
      causedByExecutionId: runs[0]?._id,
      reason: "self-trigger would trigger itself (chain of 1)",
    });
    expect(runs[1]?.actions.map((a) => a.status)).toEqual(["skipped"]);
  });

  it("a chain deeper than AUTOMATION_MAX_CASCADE_DEPTH (3) is stopped as a loop", async () => {
    for (let i = 1; i <= 5; i += 1) {
      await h.define({
        name: `chain-${i}`,
        trigger: { type: "tag.added", config: { tag: `chain-t${i - 1}` } },
        actions: [{ type: "add_tag", tag: `chain-t${i}` }],
      });
    }
    const { scope } = await customer();
    await tagAdded(scope, "chain-t0");
    const [last] = await eventually(async () => {
      const all = await mineOf("chain-5", scope.contactId);
      return all.length > 0 && all[0]?.status !== "running" ? all : undefined;
    });
    expect(last).toMatchObject({
      status: "loop",
      depth: 4,
      reason: "cascade depth 4 is over the limit of 3",
    });
    for (let i = 1; i <= 4; i += 1) {
      const [run] = await mineOf(`chain-${i}`, scope.contactId);
      expect(run).toMatchObject({ status: "succeeded", depth: i - 1 });
    }
    const tags = await tagsOf(scope.contactId);
    expect(tags).toEqual(expect.arrayContaining(["chain-t1", "chain-t2", "chain-t3", "chain-t4"]));
    expect(tags).not.toContain("chain-t5");
  });
});

describe("conversation and Slack actions", () => {
  it("notify Slack, create a task and hand over emit events for the Slack side; WhatsApp then waits for a person", async () => {
    await h.define({
      name: "escalate",
      trigger: { type: "tag.added", config: { tag: "escalate" } },
      actions: [
        { type: "notify_slack", text: "Cliente {{contact.name}} ({{contact.phone}}) pide ayuda" },
        { type: "create_task", assignee: "U0SALES01", title: "Llamar a {{contact.name}}", due: "2h" },
        { type: "handoff", note: "Pidió hablar con alguien" },
        { type: "send_whatsapp", text: "Te atiende una persona" },
      ],
    });
    const { phone, conversation, scope } = await customer();
    await tagAdded(scope, "escalate");
    const [run] = await h.finished("escalate");
    expect(run?.status).toBe("succeeded");
    expect(run?.actions.map((a) => a.status)).toEqual(["succeeded", "succeeded", "succeeded", "skipped"]);
    expect(run?.actions[3]?.detail).toMatch(/handoff/);
    const notify = h
      .eventsNamed("automation/slack.notify-requested")
      .find((e) => e.data["executionId"] === run?._id);
    expect(notify?.data).toMatchObject({
      automationName: "escalate",
      text: `Cliente Ana (${phone}) pide ayuda`,
      conversationId: conversation._id,
    });
    const task = h
      .eventsNamed("automation/task.create-requested")
      .find((e) => e.data["executionId"] === run?._id);
    expect(task?.data).toMatchObject({ assignee: "U0SALES01", title: "Llamar a Ana" });
    expect(Date.parse(String(task?.data["dueAt"])) - Date.parse(String(task?.data["at"]))).toBe(2 * HOUR);
    expect((await h.conversation(phone)).mode).toBe("handoff");
    expect(
      h.eventsNamed("agent/handoff.requested").find((e) => e.data["conversationId"] === conversation._id)
        ?.data,
    ).toMatchObject({ reason: "automation", summary: "Pidió hablar con alguien" });
    const mode = h
      .eventsNamed("agent/mode.changed")
      .find((e) => e.data["conversationId"] === conversation._id);
    expect(mode?.data).toMatchObject({ from: "greeting", to: "handoff", cascade: { depth: 1 } });
    expect(h.worker.phones.outbound(phone)).toHaveLength(0);
    const finished = h
      .eventsNamed("automation/execution.finished")
      .find((e) => e.data["executionId"] === run?._id);
    expect(finished?.data).toMatchObject({ status: "succeeded", automationName: "escalate" });
  });
});

describe("WhatsApp sends", () => {
  it("go through the proactive sender, and skip a contact who opted out", async () => {
    await h.define({
      name: "say-thanks",
      trigger: { type: "tag.added", config: { tag: "say-thanks" } },
      actions: [{ type: "send_whatsapp", text: "Gracias {{contact.name}}" }],
    });
    const writer = await customer();
    await tagAdded(writer.scope, "say-thanks");
    const [sent] = await mineOf("say-thanks", writer.scope.contactId);
    expect(sent?.actions[0]).toMatchObject({ status: "succeeded" });
    await eventually(() => (h.worker.phones.outbound(writer.phone).length > 0 ? true : undefined));
    expect(h.worker.phones.outbound(writer.phone).map((m) => [m.text, m.dedupeKey])).toEqual([
      ["Gracias Ana", `automation:${sent?._id}:0`],
    ]);

    const quitter = await customer();
    await h.say(quitter.phone, "STOP");
    const confirmations = h.worker.phones.outbound(quitter.phone).length;
    await tagAdded(quitter.scope, "say-thanks");
    const [skipped] = await mineOf("say-thanks", quitter.scope.contactId);
    expect(skipped).toMatchObject({
      status: "succeeded",
      actions: [{ status: "skipped", detail: "the contact opted out: not sent" }],
    });
    await h.engine.settle();
    expect(h.worker.phones.outbound(quitter.phone)).toHaveLength(confirmations);
  });
});

describe("catastrophic regex", () => {
  it("a slow condition regex is stopped and recorded; the worker keeps running automations", async () => {
    // Accepted by the static check (no nested quantifier) but polynomial: bounded at run time.
    await h.define({
      name: "slow-regex",
      trigger: { type: "message.keyword", config: { words: ["codigo"] } },
      conditions: {
        groups: [
          {
            rules: [
              { field: "event.text", op: "matches", value: { pattern: "\\d*\\d*\\d*\\d*\\d*\\d*\\d*x" } },
            ],
          },
        ],
      },
      actions: [{ type: "add_tag", tag: "never" }],
    });
    const { phone, conversation } = await customer();
    await h.say(phone, `codigo ${"1".repeat(3000)}`);
    const [run] = await h.finished("slow-regex");
    expect(run).toMatchObject({
      status: "not_matched",
      matched: false,
      error: "regex took longer than 50 ms and was stopped",
    });
    // The same worker still answers the next trigger at once.
    await h.say(phone, "¿hay precio de mayoreo?");
    await eventually(async () =>
      (await tagsOf(conversation.contactId)).includes("mayoreo") ? true : undefined,
    );
  });

  it("a catastrophic regex is refused before it is stored", async () => {
    await expect(
      h.db.automations.create(
        {
          name: "evil-regex",
          trigger: { type: "message.keyword", config: { regex: { pattern: "^(a+)+$" } } },
          actions: [{ type: "add_tag", tag: "x" }],
        },
        { kind: "system", id: "test" },
      ),
    ).rejects.toThrow(/unsafe regex/);
    expect(await h.db.automations.getByName("evil-regex")).toBeNull();
  });
});
