// Failure alerts with Retry through the real Bolt app, the simulated workspace and the local engine:
// a function that fails after its retries produces one alert in the ops channel (error in one line,
// phone masked, no secret); Retry by an admin sends the event again, once for two clicks, and the
// alert shows the new run's outcome. A brain failure alerts once per window.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { ConsoleLogger, Inngest } from "inngest";
import { serve } from "inngest/express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RETRY_ACTION_ID } from "../../slack/ops/alert-card.js";
import { eventually, startSlackHarness, type SlackHarness } from "./support/slack-harness.js";

let h: SlackHarness;
let server: Server;
let failing = true;
let attempts = 0;

const silent = () => new ConsoleLogger({ level: "silent" });

beforeAll(async () => {
  h = await startSlackHarness();
  const client = new Inngest({
    id: "import-app",
    baseUrl: h.engine.url,
    isDev: true,
    logger: silent(),
    internalLogger: silent(),
  });
  const flaky = client.createFunction(
    { id: "import-order", retries: 0, triggers: [{ event: "test/import.requested" }] },
    async ({ step }) =>
      step.run("import", () => {
        attempts += 1;
        if (failing)
          throw new Error(
            "import failed for +5215550001 with key sk-ant-abcdefgh12345\n    at import (x.ts:1:1)",
          );
        return "imported";
      }),
  );
  const app = express();
  app.use("/api/inngest", express.json(), serve({ client, functions: [flaky] }));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const synced = await h.engine.syncApp(
    `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`,
  );
  expect(synced.ok).toBe(true);
}, 60_000);
afterAll(async () => {
  server?.closeAllConnections();
  server?.close();
  await h?.stop();
});

type Message = Awaited<ReturnType<SlackHarness["workspace"]["messages"]>>[number];

async function alerts(): Promise<Message[]> {
  return (await h.workspace.messages("ops")).filter((m) => m.text.includes("import-order"));
}

function retryValue(m: Message): string | undefined {
  const blocks = (m.blocks ?? []) as Array<{ elements?: Array<{ action_id?: string; value?: string }> }>;
  return blocks.flatMap((b) => b.elements ?? []).find((e) => e.action_id === RETRY_ACTION_ID)?.value;
}

describe("failure alerts", () => {
  it("posts one alert per failed run whose Retry re-runs it once and shows the outcome", async () => {
    await h.sendEvents([
      { name: "test/import.requested", id: "import-1", data: { orderId: "ord_import_1" } },
    ]);
    const [alert] = await eventually(
      async () => {
        await h.engine.settle();
        const found = await alerts();
        return found.length > 0 ? found : undefined;
      },
      20_000,
      "the failure alert",
    );
    if (!alert) throw new Error("no alert");
    await h.engine.advance(100);
    await h.engine.settle();
    expect(await alerts()).toHaveLength(1);
    const shown = JSON.stringify(alert.blocks);
    expect(shown).toContain("ord_import_1");
    expect(shown).toContain("import failed for +52*******01");
    expect(shown).not.toContain("5215550001");
    expect(shown).not.toContain("sk-ant-abcdefgh12345");
    expect(shown).not.toContain("x.ts:1:1");
    const alertId = retryValue(alert);
    expect(alertId).toBeDefined();
    expect(attempts).toBe(1);

    // A member may not retry.
    const refused = await h.workspace.click({
      channel: alert.channel,
      ts: alert.ts,
      actionId: RETRY_ACTION_ID,
      value: alertId!,
      userId: h.workspace.users.member.id,
    });
    expect(refused.ephemeral.join("\n")).toMatch(/Only admins/);

    // The cause is fixed; an admin retries, twice: one new run.
    failing = false;
    const admin = h.workspace.users.admin.id;
    await h.workspace.click({
      channel: alert.channel,
      ts: alert.ts,
      actionId: RETRY_ACTION_ID,
      value: alertId!,
      userId: admin,
    });
    const second = await h.workspace.click({
      channel: alert.channel,
      ts: alert.ts,
      actionId: RETRY_ACTION_ID,
      value: alertId!,
      userId: admin,
    });
    expect(second.ephemeral.join("\n")).toMatch(/Already being retried|already succeeded/);
    const done = await eventually(
      async () => {
        await h.engine.settle();
        const [m] = await alerts();
        return m && JSON.stringify(m.blocks).includes("succeeded") ? m : undefined;
      },
      20_000,
      "the alert showing the retry succeeded",
    );
    expect(JSON.stringify(done.blocks)).toContain(`Retried by <@${admin}>`);
    expect(retryValue(done)).toBeUndefined();
    expect(attempts).toBe(2);
    expect(await alerts()).toHaveLength(1);
    const audit = await h.db.audit.listForSubject("message", alertId!, 10);
    expect(audit.filter((e) => e.action === "run.retried")).toHaveLength(1);
  }, 90_000);

  it("a retry that fails again says so and offers Retry again", async () => {
    failing = true;
    await h.sendEvents([
      { name: "test/import.requested", id: "import-2", data: { orderId: "ord_import_2" } },
    ]);
    const alert = await eventually(
      async () => {
        await h.engine.settle();
        return (await alerts()).find((m) => JSON.stringify(m.blocks).includes("ord_import_2"));
      },
      20_000,
      "the second alert",
    );
    await h.workspace.click({
      channel: alert.channel,
      ts: alert.ts,
      actionId: RETRY_ACTION_ID,
      value: retryValue(alert)!,
      userId: h.workspace.users.admin.id,
    });
    const again = await eventually(
      async () => {
        await h.engine.settle();
        const m = (await alerts()).find((x) => JSON.stringify(x.blocks).includes("ord_import_2"));
        return m && JSON.stringify(m.blocks).includes("failed again") ? m : undefined;
      },
      20_000,
      "failed again",
    );
    expect(retryValue(again)).toBeDefined();
  }, 90_000);

  it("alerts once per window for model failures of one account", async () => {
    const at = new Date().toISOString();
    const failure = (n: number) => ({
      name: "agent/brain.failed",
      id: `brain-${n}`,
      data: {
        accountId: "default",
        conversationId: `conv_${n}`,
        kind: "anthropic-api",
        status: 401,
        message: "invalid x-api-key",
        at,
      },
    });
    await h.sendEvents([failure(1), failure(2), failure(3)]);
    await eventually(
      async () => {
        await h.engine.settle();
        return (await h.workspace.messages("ops")).some((m) => m.text.includes("model is failing"))
          ? true
          : undefined;
      },
      20_000,
      "the model alert",
    );
    await h.engine.advance(100);
    await h.engine.settle();
    expect(
      (await h.workspace.messages("ops")).filter((m) => m.text.includes("model is failing")),
    ).toHaveLength(1);
  }, 60_000);
});
