// The web process (slack/main.ts) as a real process: a bad setting stops it with exit code 1 and one
// message naming the variable, not a stack trace; a good one serves and stops cleanly on SIGTERM.
import { describe, expect, it } from "vitest";
import { startEntry } from "../support/entry-process.js";

const runWeb = (env: Record<string, string>) => startEntry("slack/main.ts", env);

describe("slack/main.ts", () => {
  it("stops on a bad setting with one message naming it, without a stack trace", async () => {
    const web = runWeb({ NODE_ENV: "development", PORT: "abc" });
    expect(await web.exited).toBe(1);
    const output = web.output().trim();
    expect(output).toContain("PORT");
    expect(output).not.toMatch(/^\s+at /m);
    expect(output).not.toContain("file://");
    expect(output).not.toMatch(/Error:/);
  }, 20_000);

  it("with Slack credentials but no MONGODB_URI, stops with one message saying why", async () => {
    const web = runWeb({
      NODE_ENV: "development",
      PORT: "0",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_SIGNING_SECRET: "s",
    });
    expect(await web.exited).toBe(1);
    expect(web.output()).toMatch(/MONGODB_URI is required with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET/);
    expect(web.output()).not.toMatch(/^\s+at /m);
  }, 20_000);

  it("serves /healthz, answers a malformed body without logging it, and stops cleanly on SIGTERM", async () => {
    const web = runWeb({ NODE_ENV: "development", LOG_LEVEL: "info", PORT: "0" });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        const timer = setInterval(() => {
          const match = /"port":(\d+)[^\n]*listening/.exec(web.output());
          if (match) {
            clearInterval(timer);
            resolve(Number(match[1]));
          }
        }, 50);
        void web.exited.then(() => {
          clearInterval(timer);
          reject(new Error(`web exited early:\n${web.output()}`));
        });
      });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);

      // A customer's phone and address in a malformed body: the client is told, the log never sees it.
      const body = '{"phone": "+5215550987", "address": "Calle Falsa 123", ';
      for (const path of ["/api/inngest?fnId=salesbot-slack-x", "/no-such-route"]) {
        const res = await fetch(`http://127.0.0.1:${port}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body,
        });
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(await res.json()).toEqual({ error: expect.any(String) });
      }
      web.child.kill("SIGTERM");
      expect(await web.exited).toBe(0);
    } finally {
      if (web.child.exitCode === null) web.child.kill("SIGKILL");
    }
    expect(web.output()).not.toContain("5215550987");
    expect(web.output()).not.toContain("Calle Falsa");
  }, 20_000);
});
