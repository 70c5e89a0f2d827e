// The HTTP plumbing every entry point uses: binding a port (and saying plainly which one is taken),
// closing a server without cutting requests short, and stopping the process on SIGINT/SIGTERM.
import type { Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { closeServer, listen, portOf } from "../../shared/http/index.js";
import { startEntry } from "../support/entry-process.js";

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => closeServer(s, { abortOpen: true })));
});

const hello = (_req: unknown, res: { end: (body: string) => void }) => res.end("hello");

describe("listen", () => {
  it("binds a free port for port 0 and answers there", async () => {
    const server = await listen(hello, 0, "127.0.0.1");
    servers.push(server);
    const res = await fetch(`http://127.0.0.1:${portOf(server)}/`);
    expect(await res.text()).toBe("hello");
  });

  it("rejects with an error naming the port when it is already taken", async () => {
    const first = await listen(hello, 0, "127.0.0.1");
    servers.push(first);
    const port = portOf(first);
    await expect(listen(hello, port, "127.0.0.1")).rejects.toThrow(
      `cannot listen on 127.0.0.1:${port}: the port is already in use`,
    );
  });
});

describe("closeServer", () => {
  it("lets a request in flight finish, then closes", async () => {
    let release: (() => void) | undefined;
    const server = await listen((_req, res) => (release = () => res.end("done")), 0, "127.0.0.1");
    const url = `http://127.0.0.1:${portOf(server)}/`;
    const answer = fetch(url).then((r) => r.text());
    await expect.poll(() => release !== undefined).toBe(true);
    const closed = closeServer(server);
    release?.();
    expect(await answer).toBe("done");
    await closed;
    await expect(fetch(url)).rejects.toThrow();
  });

  it("with abortOpen, ends requests in flight instead of waiting for them", async () => {
    let started = false;
    const server = await listen(() => (started = true), 0, "127.0.0.1");
    const answer = fetch(`http://127.0.0.1:${portOf(server)}/`);
    await expect.poll(() => started).toBe(true);
    await closeServer(server, { abortOpen: true });
    await expect(answer).rejects.toThrow();
  });
});

describe("onShutdownSignal", () => {
  const run = (env: Record<string, string>) => startEntry("test/shared/fixtures/shutdown-entry.ts", env);

  it("runs stop once on SIGTERM (a second signal does not start it again) and exits 0", async () => {
    const entry = run({ STOP_MS: "300" });
    await entry.waitFor(/ready/);
    entry.child.kill("SIGTERM");
    await entry.waitFor(/stopping after SIGTERM/);
    entry.child.kill("SIGINT");
    expect(await entry.exited).toBe(0);
    expect(entry.output().match(/stopping after/g)).toHaveLength(1);
    expect(entry.output()).toContain('shutting down {"signal":"SIGTERM"}');
  }, 20_000);

  it("exits 1 and says so when stop fails", async () => {
    const entry = run({ STOP_FAILS: "1" });
    await entry.waitFor(/ready/);
    entry.child.kill("SIGINT");
    expect(await entry.exited).toBe(1);
    expect(entry.output()).toMatch(/shutdown failed .*database would not close/);
  }, 20_000);
});
