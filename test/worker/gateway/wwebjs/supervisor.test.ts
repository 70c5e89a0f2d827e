import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { vi } from "vitest";
import type { InboundMessage, TransportStatus } from "../../../../worker/gateway/transport.js";
import { TransportNotReadyError } from "../../../../worker/gateway/transport.js";
import { WwebjsSupervisor, type SupervisorOptions } from "../../../../worker/gateway/wwebjs/supervisor.js";
import { FakeClient, waMessage, type InitBehaviour } from "./fake-client.js";

const BOOT_TIMEOUT = 60_000;

function harness(behaviours: InitBehaviour[] = [], options: Partial<SupervisorOptions> = {}) {
  const clients: FakeClient[] = [];
  const log: string[] = [];
  const createdAt: number[] = [];
  const supervisor = new WwebjsSupervisor({
    accountId: "acct-1",
    createClient: () => {
      const client = new FakeClient(behaviours.shift() ?? "resolve");
      client.destroy.mockImplementation(async () => {
        log.push(`destroy#${clients.indexOf(client)}`);
        client.pupBrowser?.emit("disconnected");
      });
      clients.push(client);
      createdAt.push(Date.now());
      log.push(`create#${clients.length - 1}`);
      return client;
    },
    clearStaleLocks: () => {
      log.push("clear-locks");
    },
    bootTimeoutMs: BOOT_TIMEOUT,
    backoff: { initialMs: 1_000, factor: 2, maxMs: 5_000, jitter: 0 },
    ...options,
  });
  const statuses: TransportStatus[] = [];
  supervisor.onStatusChange((s) => {
    statuses.push(s);
  });
  const inbound: InboundMessage[] = [];
  supervisor.onMessage((m) => {
    inbound.push(m);
  });
  const last = () => {
    const client = clients.at(-1);
    if (!client) throw new Error("no client created");
    return client;
  };
  return { supervisor, clients, log, createdAt, statuses, inbound, last };
}

const settle = () => vi.advanceTimersByTimeAsync(0);

beforeEach(() => {
  vi.useFakeTimers({ now: new Date("2026-03-01T12:00:00Z") });
});
afterEach(() => {
  vi.useRealTimers();
});

describe("WwebjsSupervisor lifecycle", () => {
  it("shows the QR, becomes ready and sends to <digits>@c.us", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    expect(h.supervisor.status().state).toBe("starting");

    h.last().emit("qr", "2@abc,def");
    expect(h.supervisor.status()).toMatchObject({ state: "qr", qr: "2@abc,def" });

    h.last().emit("authenticated");
    h.last().emit("ready");
    expect(h.supervisor.status().state).toBe("ready");
    expect(h.supervisor.status().qr).toBeUndefined();

    const result = await h.supervisor.send("+5215550001", "Hola Ana", "reply:1");
    expect(h.last().sendMessage).toHaveBeenCalledWith("5215550001@c.us", "Hola Ana");
    expect(result.messageId).toBe("true_5215550001@c.us_3EB0SENT");
    expect(h.statuses.map((s) => s.state)).toEqual(["starting", "qr", "starting", "ready"]);
  });

  it("refuses to send before ready with a typed error", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    await expect(h.supervisor.send("+5215550001", "hola", "k")).rejects.toBeInstanceOf(
      TransportNotReadyError,
    );
    expect(h.last().sendMessage).not.toHaveBeenCalled();
  });

  it("finds a message it sent once an attempt began (same chat, same text), for a send cut off by a crash", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    h.last().emit("ready");
    const attemptAt = Date.now();
    await h.supervisor.send("+5215550001", "Hola Ana", "reply:1");
    const attempt = { text: "Hola Ana", dedupeKey: "reply:1", sinceMs: attemptAt };

    expect(await h.supervisor.findSent("+5215550001", attempt)).toEqual({
      messageId: "true_5215550001@c.us_3EB0SENT",
    });
    expect(await h.supervisor.findSent("+5215550001", { ...attempt, text: "Hola" })).toBeUndefined();
    expect(await h.supervisor.findSent("+5215550002", attempt)).toBeUndefined();
    // Sent long before this attempt began: an earlier message with the same words, not this one.
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(await h.supervisor.findSent("+5215550001", { ...attempt, sinceMs: Date.now() })).toBeUndefined();
  });

  it("boot watchdog: a hanging initialize is destroyed and retried with a fresh client", async () => {
    const h = harness(["hang", "resolve"]);
    await h.supervisor.start();
    await settle();
    expect(h.clients).toHaveLength(1);

    await vi.advanceTimersByTimeAsync(BOOT_TIMEOUT);
    expect(h.clients[0]!.destroy).toHaveBeenCalledTimes(1);
    expect(h.supervisor.status().state).toBe("disconnected");
    expect(h.supervisor.status().reason).toContain("boot watchdog");

    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.clients).toHaveLength(2);
    h.last().emit("ready");
    expect(h.supervisor.status().state).toBe("ready");
  });

  it("does not restart while the QR waits for a human, but does when a scan never gets ready", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    h.last().emit("qr", "2@first");
    await vi.advanceTimersByTimeAsync(BOOT_TIMEOUT * 3);
    expect(h.clients).toHaveLength(1);
    expect(h.supervisor.status().state).toBe("qr");

    h.last().emit("authenticated");
    await vi.advanceTimersByTimeAsync(BOOT_TIMEOUT);
    expect(h.supervisor.status().reason).toContain("boot watchdog");
    expect(h.clients[0]!.destroy).toHaveBeenCalled();
  });

  it("backs off exponentially up to the cap after repeated failures", async () => {
    const h = harness(["reject", "reject", "reject", "reject", "reject", "reject"]);
    await h.supervisor.start();
    await vi.advanceTimersByTimeAsync(60_000);
    const gaps = h.createdAt.slice(1).map((t, i) => t - h.createdAt[i]!);
    expect(gaps.slice(0, 6)).toEqual([1_000, 2_000, 4_000, 5_000, 5_000, 5_000]);
    // every failed client was destroyed, none logged out
    for (const client of h.clients.slice(0, 6)) expect(client.destroy).toHaveBeenCalled();
    expect(h.clients.every((c) => c.logout.mock.calls.length === 0)).toBe(true);
  });

  it("applies jitter to the delay when configured", async () => {
    const h = harness(["reject"], { backoff: { initialMs: 1_000, jitter: 0.5 }, random: () => 1 - 1e-9 });
    await h.supervisor.start();
    await settle();
    await vi.advanceTimersByTimeAsync(499);
    expect(h.clients).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(2);
    expect(h.clients).toHaveLength(2);
  });

  it("a successful connection resets the backoff", async () => {
    const h = harness(["reject", "reject", "resolve", "resolve"]);
    await h.supervisor.start();
    await vi.advanceTimersByTimeAsync(3_000); // failures at 1 s and 2 s gaps
    expect(h.clients).toHaveLength(3);
    h.last().emit("ready");
    h.last().emit("disconnected", "NAVIGATION");
    await vi.advanceTimersByTimeAsync(999);
    expect(h.clients).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(1);
    expect(h.clients).toHaveLength(4);
  });

  it("a browser crash (which the library does not report) triggers a reconnect with a fresh client", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    const first = h.last();
    first.emit("ready");

    first.pupBrowser!.crash();
    expect(h.supervisor.status()).toMatchObject({ state: "disconnected" });
    expect(h.supervisor.status().reason).toContain("browser disconnected");
    await expect(h.supervisor.send("+5215550001", "hola", "k")).rejects.toBeInstanceOf(
      TransportNotReadyError,
    );

    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.clients).toHaveLength(2);
    expect(h.last()).not.toBe(first);
    h.last().emit("ready");
    expect(h.supervisor.status().state).toBe("ready");
    await h.supervisor.send("+5215550001", "hola", "k");
    expect(h.last().sendMessage).toHaveBeenCalledTimes(1);
    expect(first.sendMessage).not.toHaveBeenCalled();
  });

  it("reconnects after 'disconnected' and 'auth_failure'", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    h.last().emit("ready");
    h.last().emit("disconnected", "CONFLICT");
    expect(h.supervisor.status().reason).toContain("disconnected: CONFLICT");
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.clients).toHaveLength(2);

    h.last().emit("auth_failure", "bad session");
    expect(h.supervisor.status().reason).toContain("auth_failure");
    await vi.advanceTimersByTimeAsync(2_000);
    expect(h.clients).toHaveLength(3);
  });

  it("a terms-of-service block is terminal: state failed and no restart loop", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    h.last().emit("ready");
    h.last().emit("disconnected", "TOS_BLOCK");
    await vi.advanceTimersByTimeAsync(600_000);
    expect(h.supervisor.status()).toMatchObject({ state: "failed", reason: "disconnected: TOS_BLOCK" });
    expect(h.clients).toHaveLength(1);
    expect(h.clients[0]!.destroy).toHaveBeenCalled();
  });

  it("gives up after maxConsecutiveFailures; start() tries again", async () => {
    const h = harness(["reject", "reject", "reject", "resolve"], { maxConsecutiveFailures: 3 });
    await h.supervisor.start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(h.clients).toHaveLength(3);
    expect(h.supervisor.status().state).toBe("failed");

    await h.supervisor.start();
    await settle();
    expect(h.clients).toHaveLength(4);
    h.last().emit("ready");
    expect(h.supervisor.status().state).toBe("ready");
  });

  it("ignores late events from a retired client", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    const old = h.last();
    old.emit("ready");
    old.pupBrowser!.crash();
    await vi.advanceTimersByTimeAsync(1_000);
    h.last().emit("ready");

    old.emit("message", waMessage());
    old.emit("qr", "2@stale");
    old.emit("disconnected", "NAVIGATION");
    old.emit("auth_failure", "late");
    await vi.advanceTimersByTimeAsync(10_000);

    expect(h.inbound).toHaveLength(0);
    expect(h.supervisor.status().state).toBe("ready");
    expect(h.clients).toHaveLength(2);
  });

  it("clears stale profile locks before every attempt, after the previous client is destroyed", async () => {
    const h = harness(["reject", "resolve"]);
    await h.supervisor.start();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(h.log).toEqual(["clear-locks", "create#0", "destroy#0", "clear-locks", "create#1"]);
  });
});

describe("WwebjsSupervisor shutdown", () => {
  it("stop() destroys the client, never logs out, and is idempotent", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    const client = h.last();
    client.emit("ready");

    await Promise.all([h.supervisor.stop(), h.supervisor.stop()]);
    await h.supervisor.stop();

    expect(client.destroy).toHaveBeenCalledTimes(1);
    expect(client.logout).not.toHaveBeenCalled();
    expect(h.supervisor.status()).toMatchObject({ state: "disconnected", reason: "stopped" });
    await expect(h.supervisor.send("+5215550001", "hola", "k")).rejects.toBeInstanceOf(
      TransportNotReadyError,
    );

    // the browser closing during shutdown is not a crash: no restart
    await vi.advanceTimersByTimeAsync(600_000);
    expect(h.clients).toHaveLength(1);
  });

  it("stop() during a backoff wait cancels the pending restart", async () => {
    const h = harness(["reject"]);
    await h.supervisor.start();
    await settle();
    expect(h.supervisor.status().state).toBe("disconnected");
    await h.supervisor.stop();
    await vi.advanceTimersByTimeAsync(600_000);
    expect(h.clients).toHaveLength(1);
    expect(h.supervisor.status().reason).toBe("stopped");
  });

  it("stop() while initialize hangs destroys that client", async () => {
    const h = harness(["hang"]);
    await h.supervisor.start();
    await settle();
    await h.supervisor.stop();
    expect(h.clients[0]!.destroy).toHaveBeenCalledTimes(1);
    expect(h.clients[0]!.logout).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(BOOT_TIMEOUT * 2);
    expect(h.clients).toHaveLength(1);
  });

  it("gives up waiting for a destroy() that hangs", async () => {
    const h = harness();
    await h.supervisor.start();
    await settle();
    h.last().destroy.mockImplementation(() => new Promise(() => {}));
    const stopped = h.supervisor.stop();
    await vi.advanceTimersByTimeAsync(15_000);
    await stopped;
    expect(h.supervisor.status().reason).toBe("stopped");
  });
});

describe("WwebjsSupervisor inbound messages", () => {
  async function readyHarness(options: Partial<SupervisorOptions> = {}) {
    const h = harness([], options);
    await h.supervisor.start();
    await settle();
    h.last().emit("ready");
    return h;
  }

  it("delivers a customer's message normalized, with the account id", async () => {
    const h = await readyHarness();
    h.last().emit(
      "message",
      waMessage({ id: { _serialized: "false_5215550001@c.us_AAA" }, body: "  hola  " }),
    );
    await settle();
    expect(h.inbound).toEqual([
      {
        accountId: "acct-1",
        messageId: "false_5215550001@c.us_AAA",
        chatId: "5215550001@c.us",
        from: "+5215550001",
        name: "Ana",
        text: "hola",
        type: "text",
        truncated: false,
        timestamp: Math.floor(Date.now() / 1000) * 1000,
        isGroup: false,
      },
    ]);
  });

  it("does not deliver a message whose id is longer than the database keeps", async () => {
    const h = await readyHarness();
    h.last().emit("message", waMessage({ id: { _serialized: "false_5215550001@c.us_".padEnd(230, "B") } }));
    h.last().emit("message", waMessage({ id: { _serialized: "false_5215550001@c.us_OK" }, body: "sí" }));
    await settle();
    expect(h.inbound.map((m) => m.messageId)).toEqual(["false_5215550001@c.us_OK"]);
  });

  it("filters own messages, status broadcasts, groups and messages from before the start", async () => {
    const h = await readyHarness({ staleGraceMs: 60_000 });
    const client = h.last();
    const startSec = Math.floor(Date.now() / 1000);
    client.emit("message", waMessage({ fromMe: true, body: "own" }));
    client.emit("message", waMessage({ from: "status@broadcast", isStatus: true, body: "status" }));
    client.emit("message", waMessage({ from: "120363@g.us", author: "5215550002@c.us", body: "group" }));
    client.emit("message", waMessage({ timestamp: startSec - 3_600, body: "old" }));
    client.emit("message", waMessage({ timestamp: startSec - 30, body: "recent" }));
    await settle();
    expect(h.inbound.map((m) => m.text)).toEqual(["recent"]);
  });

  it("accepts group messages when enabled, from the author", async () => {
    const h = await readyHarness({ allowGroups: true });
    h.last().emit("message", waMessage({ from: "120363@g.us", author: "5215550002@c.us", body: "grupo" }));
    await settle();
    expect(h.inbound[0]).toMatchObject({ from: "+5215550002", chatId: "120363@g.us", isGroup: true });
  });

  it("maps @lid senders to their phone number through the client", async () => {
    const h = await readyHarness();
    h.last().lidDirectory = { "99887766@lid": "5215550009@c.us" };
    h.last().emit("message", waMessage({ from: "99887766@lid", body: "hola" }));
    await settle();
    expect(h.inbound[0]).toMatchObject({ from: "+5215550009", chatId: "99887766@lid" });
  });

  it("drops a message whose @lid sender cannot be resolved", async () => {
    const h = await readyHarness();
    h.last().emit("message", waMessage({ from: "11112222@lid" }));
    await settle();
    expect(h.inbound).toHaveLength(0);
  });

  it("passes a message emitted twice by the library only once", async () => {
    const h = await readyHarness();
    const message = waMessage();
    h.last().emit("message", message);
    await settle();
    h.last().emit("message", message);
    await settle();
    expect(h.inbound).toHaveLength(1);
  });

  it("hands messages over one at a time, in the order they arrived", async () => {
    const h = await readyHarness();
    const events: string[] = [];
    h.supervisor.onMessage(async (m) => {
      events.push(`start ${m.text}`);
      if (m.text === "first") await new Promise((resolve) => setTimeout(resolve, 1_000));
      events.push(`end ${m.text}`);
    });
    h.last().emit("message", waMessage({ body: "first" }));
    h.last().emit("message", waMessage({ body: "second" }));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(events).toEqual(["start first", "end first", "start second", "end second"]);
  });

  it("stop() lets a message already being handled finish before destroying the client", async () => {
    const h = await readyHarness();
    const events: string[] = [];
    h.supervisor.onMessage(async () => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      events.push("stored");
    });
    h.last().destroy.mockImplementation(async () => {
      events.push("destroyed");
    });
    h.last().emit("message", waMessage());
    await settle();
    const stopped = h.supervisor.stop();
    await vi.advanceTimersByTimeAsync(1_000);
    await stopped;
    expect(events).toEqual(["stored", "destroyed"]);
  });

  it("a failing handler does not stop other handlers", async () => {
    const h = await readyHarness();
    h.supervisor.onMessage(() => {
      throw new Error("boom");
    });
    h.last().emit("message", waMessage());
    await settle();
    expect(h.inbound).toHaveLength(1);
  });
});
