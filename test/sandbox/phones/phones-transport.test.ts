import { describe, expect, it } from "vitest";
import { SandboxPhones } from "../../../sandbox/phones/index.js";
import {
  InvalidRecipientError,
  TransportNotReadyError,
  type InboundMessage,
} from "../../../worker/gateway/transport.js";

describe("SandboxPhones as a transport", () => {
  it("is ready after start and disconnected after stop", async () => {
    const phones = new SandboxPhones({ accountId: "acct-1", now: () => Date.parse("2026-03-01T12:00:00Z") });
    const states: string[] = [];
    phones.onStatusChange((s) => {
      states.push(s.state);
    });
    expect(phones.status().state).toBe("disconnected");
    await phones.start();
    expect(phones.status()).toEqual({ state: "ready", since: "2026-03-01T12:00:00.000Z" });
    await phones.stop();
    await phones.stop();
    expect(phones.status()).toMatchObject({ state: "disconnected", reason: "stopped" });
    expect(states).toEqual(["ready", "disconnected"]);
  });

  it("send appends to the customer's chat and waitForOutbound sees it", async () => {
    const phones = new SandboxPhones();
    await phones.start();
    const waiting = phones.waitForOutbound("+5215550001", (m) => m.text.includes("precio"));
    await phones.send("+5215550001", "Hola", "k1");
    const { messageId } = await phones.send("+5215550001", "El precio es 10", "k2");
    const seen = await waiting;
    expect(seen).toMatchObject({ id: messageId, direction: "out", text: "El precio es 10", dedupeKey: "k2" });
    // already-sent messages are found too
    expect((await phones.waitForOutbound("+5215550001")).text).toBe("Hola");
    expect(phones.outbound("+5215550001").map((m) => m.dedupeKey)).toEqual(["k1", "k2"]);
  });

  it("waitForOutbound rejects when nothing matching arrives in time", async () => {
    const phones = new SandboxPhones();
    await phones.start();
    await expect(phones.waitForOutbound("+5215550001", () => true, 20)).rejects.toThrow(
      /no matching outbound/,
    );
  });

  it("refuses to send while not connected, and to invalid numbers", async () => {
    const phones = new SandboxPhones();
    await expect(phones.send("+5215550001", "hola", "k")).rejects.toBeInstanceOf(TransportNotReadyError);
    await phones.start();
    await expect(phones.send("5215550001", "hola", "k")).rejects.toBeInstanceOf(InvalidRecipientError);
    phones.simulateDisconnect();
    await expect(phones.send("+5215550001", "hola", "k")).rejects.toBeInstanceOf(TransportNotReadyError);
    expect(phones.chat("+5215550001").messages).toEqual([]);
  });

  it("failNextSends makes the next sends fail without delivering them", async () => {
    const phones = new SandboxPhones();
    await phones.start();
    phones.failNextSends(1);
    await expect(phones.send("+5215550001", "hola", "k")).rejects.toThrow("simulated send failure");
    await phones.send("+5215550001", "hola", "k");
    expect(phones.outbound("+5215550001")).toHaveLength(1);
  });

  it("customer messages written while disconnected are delivered on reconnect", async () => {
    const phones = new SandboxPhones({ accountId: "acct-2" });
    const inbound: InboundMessage[] = [];
    phones.onMessage((m) => {
      inbound.push(m);
    });
    await phones.receive({ from: "+5215550001", text: "hola" });
    expect(inbound).toHaveLength(0);
    await phones.start();
    expect(inbound.map((m) => [m.accountId, m.text])).toEqual([["acct-2", "hola"]]);

    phones.simulateDisconnect();
    await phones.receive({ from: "+5215550001", text: "¿siguen ahí?" });
    expect(inbound).toHaveLength(1);
    await phones.simulateReconnect();
    expect(inbound.map((m) => m.text)).toEqual(["hola", "¿siguen ahí?"]);
  });

  it("a failing gateway handler does not lose the message for other handlers", async () => {
    const phones = new SandboxPhones();
    const seen: string[] = [];
    phones.onMessage(() => {
      throw new Error("db down");
    });
    phones.onMessage((m) => {
      seen.push(m.text);
    });
    await phones.start();
    await phones.receive({ from: "+5215550001", text: "hola" });
    expect(seen).toEqual(["hola"]);
  });
});
