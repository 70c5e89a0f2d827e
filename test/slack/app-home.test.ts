// The App Home tab: opening it publishes a view that says how many orders wait and what this person
// may do (events reach Bolt as signed Events API requests).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAutomationSeed } from "../../shared/db/index.js";
import { eventually, nextPhone, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

let h: SlackHarness;

beforeAll(async () => {
  h = await startSlackHarness();
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

describe("App Home", () => {
  it("shows the pending count and the commands each role may use", async () => {
    await h.createOrder("default", nextPhone());
    const { admin, member } = h.workspace.users;
    expect((await h.workspace.openHome(admin.id)).status).toBe(200);
    const adminHome = await eventually(() => h.workspace.home(admin.id), 10_000, "the admin's home");
    const adminText = JSON.stringify(adminHome.blocks);
    expect(adminText).toContain("*1* waiting now");
    expect(adminText).toContain("/automation");
    expect(adminText).toContain("/orders pending");

    await h.workspace.openHome(member.id);
    const memberHome = await eventually(() => h.workspace.home(member.id), 10_000, "the member's home");
    const memberText = JSON.stringify(memberHome.blocks);
    expect(memberText).toContain("You are a member");
    expect(memberText).not.toContain("/automation");
  });

  it("lists what is pending: approvals oldest first with links, conversations with a person, automations, WhatsApp, today's orders", async () => {
    await h.db.automations.seedAutomations(defaultAutomationSeed(), { kind: "system", id: "test" });
    const first = await h.createOrder("default", nextPhone(), "Beatriz Ruiz");
    const second = await h.createOrder("default", nextPhone(), "Carla Soto");
    await h.announceOrder(first);
    await h.cardOf(first._id);
    // A conversation a person took over.
    const phone = nextPhone();
    const { contact } = await h.db.contacts.upsertByPhone({
      accountId: "default",
      phone,
      profileName: "Dora",
    });
    await h.db.conversations.getOrCreate({ accountId: "default", contactId: contact._id, phone });
    const paused = await h.workspace.command({
      command: "/bot",
      text: `pause ${phone}`,
      userId: h.workspace.users.approver.id,
    });
    expect(paused.response).toMatch(/Paused the bot/);
    await h.sendEvents([
      {
        name: "whatsapp/session.status-changed",
        id: "session-home-1",
        data: { accountId: "default", status: "ready", at: new Date().toISOString() },
      },
    ]);
    const { admin } = h.workspace.users;
    const text = await eventually(
      async () => {
        await h.engine.settle();
        await h.workspace.openHome(admin.id);
        const home = await h.workspace.home(admin.id);
        const shown = JSON.stringify(home?.blocks ?? []);
        return shown.includes(phone) && shown.includes("`default`: ready") ? shown : undefined;
      },
      20_000,
      "the home with the handoff and the session",
    );
    // Oldest first, the one with a card linked to it.
    expect(text.indexOf("Beatriz Ruiz")).toBeGreaterThan(-1);
    expect(text.indexOf("Beatriz Ruiz")).toBeLessThan(text.indexOf("Carla Soto"));
    expect(text).toMatch(/<[^|>]+\|Beatriz Ruiz/);
    expect(text).toContain(`Dora (${phone})`);
    expect(text).toMatch(/Today's orders\*: [3-9]/);
    expect(text).toContain("*Automations*");
    expect(text).toMatch(/: enabled, never run/);
    expect(text).toMatch(/: disabled, never run/);
    expect(second.status).toBe("pending_approval");
  }, 60_000);
});
