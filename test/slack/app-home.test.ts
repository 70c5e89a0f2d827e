// The App Home tab: opening it publishes a view that says how many orders wait and what this person
// may do (events reach Bolt as signed Events API requests).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
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
});
