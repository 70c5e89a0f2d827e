// `npm start` with no Slack credentials: the simulated workspace answers on the sandbox page's server,
// the Slack app receives what people do there, and a restart on the same data directory keeps the
// Slack history. With SLACK_BOT_TOKEN set the workspace stays off and the configuration is untouched.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../shared/config/index.js";
import { startSandboxSlack } from "../../../sandbox/slack/sandbox-slack.js";
import { startEntry } from "../../support/entry-process.js";
import { startTestMongo } from "../../support/mongo.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-slack-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function startSandbox(dir = dataDir) {
  const sandbox = startEntry("sandbox/main.ts", {
    SANDBOX_DATA_DIR: dir,
    PORT: "0",
    WORKER_PORT: "0",
    SANDBOX_PORT: "0",
    INNGEST_ENGINE_PORT: "0",
    LOG_LEVEL: "warn",
    // The decision notice waits for business hours: open all day, so the test holds at any hour.
    BUSINESS_HOURS: "00:00-24:00",
    BUSINESS_DAYS: "sun-sat",
  });
  const [, url] = await sandbox.waitFor(/Sandbox ready: (http:\/\/\S+?)\/?\s/);
  return {
    page: url!,
    url: `${url!}/sandbox/slack`,
    output: sandbox.output,
    stop: async () => {
      sandbox.child.kill("SIGINT");
      return sandbox.exited;
    },
  };
}

describe("npm start with the simulated Slack workspace", () => {
  it("serves the workspace on the sandbox page, delivers to the Slack app, and keeps the history across a restart", async () => {
    const first = await startSandbox();
    let ts: string;
    try {
      expect(first.output()).toMatch(/simulated Slack workspace, a development stand-in/);
      const users = (await (await fetch(`${first.url}/users`)).json()) as {
        users: Array<{ roles: string[] }>;
      };
      expect(users.users.map((u) => u.roles)).toEqual([["admin", "approver"], ["approver"], []]);
      const posted = await fetch(`${first.url}/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ channel: "handoff", text: "I'll take this one", userId: "U0SANDAPPROVER" }),
      });
      expect(posted.status).toBe(200);
      ts = ((await posted.json()) as { ts: string }).ts;
      // Bolt verified the signature and looked for a listener (none for this command): its own
      // "unhandled" answer, not 401 (bad signature) or 503 (Slack not configured).
      const probe = await fetch(`${first.url}/commands`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ command: "/no-such-command", text: "", userId: "U0SANDMEMBER" }),
      });
      expect(await probe.json()).toEqual({ status: 404, response: "" });
      // The Slack side's listeners are wired to the workspace: a real command gets an answer.
      const command = await fetch(`${first.url}/commands`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ command: "/orders", text: "pending", userId: "U0SANDAPPROVER" }),
      });
      const answered = (await command.json()) as { status: number; response: string };
      expect(answered.status).toBe(200);
      expect(answered.response).not.toBe("");
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await startSandbox();
    try {
      const listed = (await (await fetch(`${second.url}/messages?channel=handoff`)).json()) as {
        messages: Array<{ ts: string; text: string; user?: string }>;
      };
      expect(listed.messages).toEqual([
        expect.objectContaining({ ts, text: "I'll take this one", user: "U0SANDAPPROVER" }),
      ]);
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 120_000);

  it("shows the approval card of an order a customer placed on the simulated phone; an approver's click tells the customer", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "sandbox-slack-order-"));
    const sandbox = await startSandbox(dir);
    try {
      const phone = "+5215550042";
      const outgoing = async () => {
        const res = await fetch(`${sandbox.page}/sandbox/whatsapp/chats/${encodeURIComponent(phone)}`);
        const chat = (await res.json()) as { messages: Array<{ direction: string; text: string }> };
        return chat.messages.filter((m) => m.direction === "out");
      };
      const busyRuns = async () => {
        let busy = 0;
        for (const status of ["queued", "running"]) {
          const res = await fetch(`${sandbox.page}/sandbox/runs?status=${status}`);
          busy += ((await res.json()) as { runs: unknown[] }).runs.length;
        }
        return busy;
      };
      const waitFor = async <T>(probe: () => Promise<T | undefined>, what: string): Promise<T> => {
        for (let i = 0; i < 300; i++) {
          const value = await probe();
          if (value !== undefined) return value;
          await new Promise((r) => setTimeout(r, 100));
        }
        throw new Error(`timed out waiting for ${what}; the bot said: ${JSON.stringify(await outgoing())}`);
      };
      // The customer answers each question once the bot has asked it.
      const details =
        "Hola, me llamo Ana Lopez, mi teléfono es 5215550042, mi dirección es Calle Juarez 123, ciudad: Monterrey";
      for (const text of [details, "1", "si"]) {
        const before = (await outgoing()).length;
        await fetch(`${sandbox.page}/sandbox/whatsapp/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ from: phone, text, name: "Ana" }),
        });
        await waitFor(
          async () => ((await outgoing()).length > before ? true : undefined),
          `a reply to "${text}"`,
        );
        // The bot may answer in several messages and steps: wait until the engine has nothing left to run.
        await waitFor(
          async () => ((await busyRuns()) === 0 ? true : undefined),
          `the bot to finish "${text}"`,
        );
      }
      const card = await waitFor(async () => {
        const res = await fetch(`${sandbox.url}/messages?channel=approvals`);
        const { messages } = (await res.json()) as { messages: Array<{ ts: string; blocks: unknown[] }> };
        return messages.find((m) => JSON.stringify(m.blocks).includes("Ana Lopez"));
      }, "the approval card");
      expect(JSON.stringify(card.blocks)).toContain("order_approve");

      const before = (await outgoing()).length;
      const click = await fetch(`${sandbox.url}/actions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          channel: "approvals",
          ts: card.ts,
          actionId: "order_approve",
          userId: "U0SANDAPPROVER",
        }),
      });
      expect(((await click.json()) as { status: number }).status).toBe(200);
      await waitFor(
        async () => ((await outgoing()).length > before ? true : undefined),
        "the customer's notice",
      );
      const decided = await fetch(`${sandbox.url}/messages?channel=approvals`);
      const { messages } = (await decided.json()) as { messages: Array<{ ts: string; blocks: unknown[] }> };
      expect(JSON.stringify(messages.find((m) => m.ts === card.ts)?.blocks)).not.toContain("order_approve");
    } finally {
      expect(await sandbox.stop()).toBe(0);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it("stays off when real Slack credentials are configured, and otherwise hands the Slack side its settings", async () => {
    const mongo = await startTestMongo();
    try {
      const real = loadConfig({ SLACK_BOT_TOKEN: "xoxb-real", SLACK_SIGNING_SECRET: "real-secret" });
      const off = await startSandboxSlack(real, mongo.client.db(mongo.dbName));
      expect(off.workspace).toBeUndefined();
      expect(off.config).toBe(real);

      const sim = await startSandboxSlack(loadConfig({}), mongo.client.db(mongo.dbName));
      try {
        expect(sim.config.slack).toMatchObject({
          botToken: sim.workspace!.botToken,
          signingSecret: sim.workspace!.signingSecret,
          apiUrl: sim.workspace!.apiUrl,
          adminUserIds: ["U0SANDADMIN"],
          approverUserIds: ["U0SANDAPPROVER"],
        });
      } finally {
        await sim.stop();
      }
    } finally {
      await mongo.stop();
    }
  });
});
