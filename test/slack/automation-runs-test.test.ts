// `/automation runs` and `/automation test` as admins type them in the simulated workspace, through
// the real Bolt app, against a worker serving the automations engine: the runs a customer's real
// messages set off, and a dry run that tags nothing, starts no run and sends nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultAutomationSeed } from "../../shared/db/index.js";
import { createAutomationFunctions } from "../../worker/automations/index.js";
import { createOutboundFunctions } from "../../worker/functions.js";
import type { TestWorker } from "../worker/support/worker-harness.js";
import { eventually, nextPhone, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

let h: SlackHarness;
let worker: TestWorker;

beforeAll(async () => {
  h = await startSlackHarness();
  await h.db.automations.seedAutomations(defaultAutomationSeed(), { kind: "system", id: "seed" });
  worker = await h.startWorker(
    "auto",
    {},
    {
      functions: (deps) => [...createOutboundFunctions(deps), ...createAutomationFunctions(deps)],
    },
  );
}, 60_000);
afterAll(async () => {
  await h?.stop();
});

const as = (who: "admin" | "approver" | "member", text: string) =>
  h.workspace.command({ command: "/automation", text, userId: h.workspace.users[who].id }).then((r) => {
    expect(r.status).toBe(200);
    return r.response;
  });

/** The customer writes on the simulated phone; resolves once `name` has `count` finished runs. */
async function customerSays(phone: string, text: string, name: string, count: number) {
  await worker.phones.receive({ from: phone, text, name: "Ana" });
  await h.engine.settle();
  return eventually(
    async () => {
      const runs = await h.db.automationExecutions.listRecent({ automationName: name }, 50);
      const done = runs.filter((r) => r.status !== "running");
      return done.length >= count ? done : undefined;
    },
    15_000,
    `${count} finished runs of ${name}`,
  );
}

async function engineRunCount(): Promise<number> {
  const res = await fetch(`${h.engine.url}/runs`);
  return ((await res.json()) as { runs: unknown[] }).runs.length;
}

describe("/automation runs <name> [n]", () => {
  it("shows the runs a customer's messages set off, newest first, with what each action did", async () => {
    const first = nextPhone();
    const second = nextPhone();
    await customerSays(first, "hola", "tag-new-leads", 1);
    await customerSays(second, "buenas tardes", "tag-new-leads", 2);
    const [newest] = await h.db.automationExecutions.listRecent({ automationName: "tag-new-leads" }, 1);
    expect((await h.db.contacts.getById(newest!.contactId!))?.tags).toContain("lead");

    const answer = await as("admin", "runs tag-new-leads");
    expect(answer).toMatch(/^\*tag-new-leads\* \(enabled\): last 2 runs\n/);
    const runLines = answer.split("\n").filter((l) => l.startsWith("✅"));
    expect(runLines).toHaveLength(2);
    for (const line of runLines)
      expect(line).toMatch(/^✅ \d{4}-\d\d-\d\d \d\d:\d\d:\d\d succeeded on crm\/contact\.created$/);
    expect(answer.match(/^ {4}1\. add_tag: succeeded — tag lead added \(\d+ ms\)$/gm)).toHaveLength(2);
    // Never the customers' numbers.
    expect(answer).not.toContain(first.slice(1));

    // n limits the list to the most recent ones.
    expect(await as("admin", "runs tag-new-leads 1")).toMatch(/: last 1 run\n/);
    // The keyword automation ran on the second customer's words; its history is its own.
    await customerSays(second, "¿venden al por mayoreo?", "tag-wholesale-interest", 1);
    const keyword = await as("admin", "RUNS tag-wholesale-interest 20");
    expect(keyword).toMatch(
      /^\*tag-wholesale-interest\* \(enabled\): last 1 run\n✅ .* succeeded on whatsapp\/message\.received\n {4}1\. add_tag: succeeded — tag mayoreo added/,
    );
    expect(await as("admin", "runs follow-up-after-approval")).toBe(
      "*follow-up-after-approval* (enabled): no runs yet.",
    );
  });

  it("refuses non-admins; bad arguments get the usage with the problem; unknown names the closest ones", async () => {
    expect(await as("approver", "runs tag-new-leads")).toMatch(/^Only admins can run `\/automation`/);
    expect(await as("admin", "runs")).toMatch(
      /^`runs` needs an automation name\.\nUsage: .*`\/automation runs <name> \[n\]`/,
    );
    expect(await as("admin", "runs tag-new-leads 0")).toMatch(
      /^The number of runs must be a whole number from 1 to 20, not `0`\.\nUsage:/,
    );
    expect(await as("admin", "runs tag-new-leads 500")).toMatch(/from 1 to 20, not `500`/);
    expect(await as("admin", "runs tag-new-leads all")).toMatch(/from 1 to 20, not `all`/);
    expect(await as("admin", "runs tag new leads")).toMatch(/takes a name and at most a number[\s\S]*Usage/);
    expect(await as("admin", "runs tag-new-lead")).toBe(
      "There is no automation named `tag-new-lead`. Closest names: `tag-new-leads`, `tag-wholesale-interest`, `notify-sales-big-order`.",
    );
    for (const weird of ["$where", '{"$ne":null}', ".*", "(a+)+$"]) {
      expect(await as("admin", `runs ${weird} 3`)).toMatch(/^There is no automation named .*Closest names/);
    }
    const long = await as("admin", `runs ${"x".repeat(5_000)}`);
    expect(long).toMatch(/^There is no automation named `x{60}…`/);
    expect(long.length).toBeLessThan(400);
  });
});

describe("/automation test <name> <phone>", () => {
  it("says what would happen, action by action, and does nothing: no tag, no run, no send", async () => {
    // A customer whose data and order were stored without any event: no automation has seen them.
    const phone = nextPhone();
    const order = await h.createOrder("auto", phone, "<!channel> & Ana");
    const contactId = order.contactId;
    await h.engine.settle();
    const runsBefore = await engineRunCount();
    const executionsBefore = (await h.db.automationExecutions.listRecent({}, 200)).length;
    const eventsBefore = h.agentEvents.length;

    // Written the way people write numbers.
    const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 4)} ${phone.slice(4, 7)} ${phone.slice(7)}`;
    const lead = await as("admin", `test tag-new-leads ${spaced}`);
    expect(lead).toBe(
      [
        `Dry run of *tag-new-leads* (enabled) for ${phone} — nothing was done.`,
        "Trigger contact.created: matches (as if the contact had just written for the first time)",
        "Conditions: met",
        "It would do:",
        "    1. add_tag: would add tag lead",
      ].join("\n"),
    );
    const followUp = await as("admin", `test follow-up-after-approval ${phone}`);
    expect(followUp).toContain("Trigger order.status_changed: does not match");
    expect(followUp).toContain("It would not run; if it did, it would do:");
    expect(followUp).toContain("    3. delay: would wait 1d");
    // Customer text is quoted, never turned into a mention.
    expect(followUp).toContain(
      `    4. send_whatsapp: would send on WhatsApp (in business hours): "Hola &lt;!channel&gt; &amp; Ana, ¿Llegó bien tu pedido ${order._id}?"`,
    );
    expect(followUp).not.toContain("<!channel>");

    await h.engine.settle();
    expect((await h.db.contacts.getById(contactId))?.tags ?? []).not.toContain("lead");
    expect((await h.db.automationExecutions.listRecent({}, 200)).length).toBe(executionsBefore);
    expect(await engineRunCount()).toBe(runsBefore);
    expect(h.agentEvents.slice(eventsBefore)).toEqual([]);
    expect(worker.phones.outbound(phone)).toEqual([]);
  });

  it("refuses non-admins; a bad phone, an unknown contact or name get a clear answer", async () => {
    expect(await as("member", "test tag-new-leads +5215550001")).toMatch(/^Only admins/);
    expect(await as("admin", "test")).toMatch(
      /needs an automation name and the customer's phone number[\s\S]*Usage/,
    );
    expect(await as("admin", "test tag-new-leads")).toMatch(
      /^`test` needs the customer's phone number\.\nUsage:/,
    );
    expect(await as("admin", "test tag-new-leads call-me-maybe")).toMatch(
      /^`call-me-maybe` is not a phone number\.\nUsage:/,
    );
    expect(await as("admin", "test tag-new-leads $where")).toMatch(/^`\$where` is not a phone number/);
    expect(await as("admin", "test tag-new-leads +52 1 555 999 0000")).toBe(
      "No WhatsApp contact with +5215559990000. Nothing was done.",
    );
    expect(await as("admin", "test tag-new-lead +5215559990000")).toMatch(
      /^There is no automation named `tag-new-lead`\. Closest names: `tag-new-leads`/,
    );
    expect(await as("admin", "test .* +5215559990000")).toMatch(/^There is no automation named `\.\*`/);
    const long = await as("admin", `test ${"y".repeat(5_000)} +5215559990000`);
    expect(long).toMatch(/^There is no automation named `y{60}…`/);
  });
});
