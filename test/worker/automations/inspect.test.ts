// What `/automation runs` and `/automation test` show (the Slack side calls these functions and
// posts the text): real runs through the local engine, and dry runs that change nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAutomationSeed } from "../../../shared/db/automations.js";
import { describeRecentRuns, dryRunAutomation } from "../../../shared/db/automation-inspect.js";
import { formatDryRun, formatRecentRuns } from "../../../slack/commands/inspect-texts.js";
import { nextPhone, startAutomationHarness, type AutomationHarness } from "./support/automation-harness.js";

let h: AutomationHarness;
beforeAll(async () => {
  h = await startAutomationHarness();
  await h.db.automations.seedAutomations(defaultAutomationSeed(), { kind: "system", id: "seed" });
});
afterAll(async () => {
  await h?.stop();
});

async function customerWithOrder(pack: "1x" | "3x") {
  const phone = nextPhone();
  await h.say(phone, "hola");
  const conversation = await h.conversation(phone);
  await h.db.conversations.saveCollected(conversation._id, {
    name: "Ana López",
    address: "Av. Reforma 123",
    city: "León",
  });
  const order = await h.db.orders.createFromConversation({
    conversationId: conversation._id,
    lines: [{ sku: "COLAGENO-500", pack, qty: 1 }],
    source: "agent",
  });
  if (order.status === "rejected") throw new Error(order.reason);
  return { phone, conversation, order: order.order };
}

describe("/automation runs", () => {
  it("lists the last runs with what each action did", async () => {
    const phone = nextPhone();
    await h.say(phone, "hola");
    await h.finished("tag-new-leads");
    const result = await describeRecentRuns(h.db, "tag-new-leads", 5);
    expect(result).toMatchObject({ found: true, enabled: true });
    if (!result.found) return;
    expect(result.runs[0]).toMatchObject({
      status: "succeeded",
      trigger: "contact.created",
      triggerEvent: "crm/contact.created",
      depth: 0,
      actions: [{ index: 0, type: "add_tag", status: "succeeded", detail: "tag lead added" }],
    });
    const text = formatRecentRuns(result);
    expect(text).toMatch(/^\*tag-new-leads\* \(enabled\): last \d+ runs?/);
    expect(text).toMatch(/✅ .* succeeded on crm\/contact\.created/);
    expect(text).toContain("    1. add_tag: succeeded — tag lead added");
  });

  it("says why a run did not act", async () => {
    const small = await customerWithOrder("1x");
    await h.sendEvents([
      {
        name: "order/created",
        id: `order:${small.order._id}:created`,
        data: {
          accountId: "auto",
          conversationId: small.conversation._id,
          contactId: small.conversation.contactId,
          orderId: small.order._id,
          total: { amountMinor: small.order.totalMinor, currency: "MXN" },
          source: "agent",
          createdAt: small.order.createdAt.toISOString(),
        },
      },
    ]);
    await h.engine.settle();
    await h.finished("notify-sales-big-order");
    const text = formatRecentRuns(await describeRecentRuns(h.db, "notify-sales-big-order", 1));
    expect(text).toContain("➖");
    expect(text).toContain("not_matched on order/created — group 1: order.totalMinor gt 100000 (was 49900)");
    expect(text).toContain("    1. notify_slack: skipped");
  });

  it("answers for an unknown automation", async () => {
    expect(formatRecentRuns(await describeRecentRuns(h.db, "no-such-thing"))).toBe(
      'No automation named "no-such-thing".',
    );
  });
});

describe("/automation test", () => {
  it("shows what would happen, action by action, without doing anything", async () => {
    const big = await customerWithOrder("3x");
    const tagsBefore = (await h.db.contacts.getById(big.conversation.contactId))?.tags;
    const eventsBefore = h.events.length;
    const result = await dryRunAutomation(h.db, "notify-sales-big-order", big.phone, { accountId: "auto" });
    expect(result).toMatchObject({
      ok: true,
      wouldRun: true,
      trigger: { type: "order.created", matches: true },
      conditions: { matched: true },
    });
    const text = formatDryRun(result);
    expect(text).toContain(
      `Dry run of *notify-sales-big-order* (enabled) for ${big.phone} — nothing was done.`,
    );
    expect(text).toContain(
      `1. notify_slack: would post in Slack: "Pedido grande: ${big.order._id} por $1,199.00 MXN de Ana López (León)."`,
    );

    const followUp = formatDryRun(
      await dryRunAutomation(h.db, "follow-up-after-approval", big.phone, { accountId: "auto" }),
    );
    expect(followUp).toContain("Trigger order.status_changed: does not match");
    expect(followUp).toContain("1. remove_tag: would remove tag lead");
    expect(followUp).toContain("3. delay: would wait 1d");
    expect(followUp).toContain(
      `4. send_whatsapp: would send on WhatsApp (in business hours): "Hola Ana López, ¿Llegó bien tu pedido ${big.order._id}?"`,
    );

    // Nothing changed and nothing was announced.
    await h.engine.settle();
    expect((await h.db.contacts.getById(big.conversation.contactId))?.tags).toEqual(tagsBefore);
    expect(h.events.slice(eventsBefore)).toEqual([]);
  });

  it("names the failing condition, and the disabled state", async () => {
    const small = await customerWithOrder("1x");
    const text = formatDryRun(
      await dryRunAutomation(h.db, "notify-sales-big-order", small.phone, { accountId: "auto" }),
    );
    expect(text).toContain("Conditions: not met — group 1: order.totalMinor gt 100000 (was 49900)");
    expect(text).toContain("It would not run; if it did, it would do:");
    const disabled = formatDryRun(
      await dryRunAutomation(h.db, "reactivate-inactive-30d", small.phone, { accountId: "auto" }),
    );
    expect(disabled).toContain("(disabled)");
    expect(disabled).toContain("last message 0 day(s) ago");
  });

  it("answers clearly for an unknown automation, phone or contact", async () => {
    expect(formatDryRun(await dryRunAutomation(h.db, "nope", "+5215550000"))).toBe(
      'No automation named "nope".',
    );
    expect(formatDryRun(await dryRunAutomation(h.db, "tag-new-leads", "hola"))).toBe(
      '"hola" is not a phone number',
    );
    expect(
      formatDryRun(await dryRunAutomation(h.db, "tag-new-leads", "+5215559999999", { accountId: "auto" })),
    ).toBe("No contact with phone +5215559999999.");
  });
});
