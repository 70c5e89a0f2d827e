// `npm start` as a person runs it: one process, no accounts, no internet. A customer's "hola" on the
// simulated phones gets the bot's answer and runs the new-lead automation (in the engine's runs and in
// `/automation runs` on the simulated Slack workspace), Ctrl-C stops everything cleanly, and a second
// start on the same data directory still has the engine's runs (state is on disk, not in memory).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startEntry } from "../support/entry-process.js";

const dataDir = mkdtempSync(path.join(tmpdir(), "sandbox-start-"));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Started {
  url: string;
  output: () => string;
  stop: () => Promise<number | null>;
}

async function startSandbox(): Promise<Started> {
  // Only what a person would have, plus free ports: every default of the product is in use.
  const sandbox = startEntry("sandbox/main.ts", {
    SANDBOX_DATA_DIR: dataDir,
    PORT: "0",
    WORKER_PORT: "0",
    SANDBOX_PORT: "0",
    INNGEST_ENGINE_PORT: "0",
    LOG_LEVEL: "warn",
  });
  const [, url] = await sandbox.waitFor(/Sandbox ready: (http:\/\/\S+?)\/?\s/);
  return {
    url: url!,
    output: sandbox.output,
    stop: async () => {
      sandbox.child.kill("SIGINT");
      return sandbox.exited;
    },
  };
}

async function chat(url: string, phone: string): Promise<{ direction: string; text: string }[]> {
  const res = await fetch(`${url}/sandbox/whatsapp/chats/${encodeURIComponent(phone)}`);
  return ((await res.json()) as { messages: { direction: string; text: string }[] }).messages;
}

describe("npm start (the sandbox)", () => {
  it("answers a customer with no configuration, stops cleanly, and keeps its state across a restart", async () => {
    const first = await startSandbox();
    try {
      expect(first.output()).toMatch(/development stand-ins, not production services/);
      const phone = "+5215550001";
      const sent = await fetch(`${first.url}/sandbox/whatsapp/messages`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ from: phone, text: "hola", name: "Ana" }),
      });
      expect(sent.status).toBe(202);

      let messages = await chat(first.url, phone);
      for (let i = 0; i < 200 && !messages.some((m) => m.direction === "out"); i++) {
        await new Promise((r) => setTimeout(r, 100));
        messages = await chat(first.url, phone);
      }
      expect(messages[0]).toMatchObject({ direction: "in", text: "hola" });
      expect(
        messages
          .filter((m) => m.direction === "out")
          .map((m) => m.text)
          .join("\n"),
      ).toMatch(/Hola/);
      // The new customer's "hola" also ran the seeded new-lead automation, visible in the engine's runs.
      let leadRuns: { functionId: string; status: string; output?: unknown }[] = [];
      for (let i = 0; i < 150; i++) {
        const res = await fetch(`${first.url}/sandbox/runs`);
        const { runs } = (await res.json()) as { runs: typeof leadRuns };
        leadRuns = runs.filter((r) => r.functionId === "salesbot-worker-default-automation-contact-created");
        if (leadRuns.some((r) => r.status === "completed")) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(leadRuns.map((r) => [r.status, r.output])).toEqual([
        ["completed", expect.objectContaining({ status: "succeeded" })],
      ]);
      // ... and an admin sees that run in the simulated Slack workspace with `/automation runs`.
      const command = await fetch(`${first.url}/sandbox/slack/commands`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ command: "/automation", text: "runs tag-new-leads", userId: "U0SANDADMIN" }),
      });
      const answered = (await command.json()) as { status: number; response: string };
      expect(answered.status).toBe(200);
      expect(answered.response).toMatch(
        /^\*tag-new-leads\* \(enabled\): last 1 run\n✅ .* succeeded on crm\/contact\.created\n {4}1\. add_tag: succeeded — tag lead added/,
      );
      // The customer's phone number never reaches the log in clear text.
      expect(first.output()).not.toContain("5215550001");
    } finally {
      expect(await first.stop()).toBe(0);
    }

    const second = await startSandbox();
    try {
      // The run that answered "hola" is still there; if the first stop cut it short, it finishes now.
      let handled: { functionId: string; status: string }[] = [];
      for (let i = 0; i < 150; i++) {
        const res = await fetch(`${second.url}/sandbox/runs`);
        const { runs } = (await res.json()) as { runs: { functionId: string; status: string }[] };
        handled = runs.filter((r) => r.functionId === "salesbot-worker-default-handle-message");
        if (handled.length > 0 && handled.every((r) => r.status === "completed")) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(handled.length).toBeGreaterThan(0);
      expect(handled.map((r) => r.status)).toEqual(handled.map(() => "completed"));
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 90_000);
});
