// The agent's debounce within what Inngest accepts (periods from 1 second to 7 days, or 0s = off): a
// bad AGENT_DEBOUNCE stops startup with a clear error, and the derived timeout never exceeds 7 days.
import { ConsoleLogger } from "inngest";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../../shared/config/index.js";
import type { DbHandle } from "../../../shared/db/index.js";
import { createInngestClient } from "../../../shared/inngest.js";
import { createHandleMessageFunction } from "../../../worker/agent/handle-message.js";
import { createRulesBrain } from "../../../worker/agent/brain/rules.js";

function debounceError(value: string): string {
  try {
    loadConfig({ AGENT_DEBOUNCE: value });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error(`AGENT_DEBOUNCE=${value} was accepted`);
}

function debounceOf(value: string) {
  const config = loadConfig({ AGENT_DEBOUNCE: value, INNGEST_DEV: "1" });
  const fn = createHandleMessageFunction({
    config,
    inngest: createInngestClient(config, {
      appId: "debounce-test",
      logger: new ConsoleLogger({ level: "silent" }),
    }),
    db: {} as DbHandle,
    transport: {
      send: () => Promise.reject(new Error("unused")),
      status: () => ({ state: "ready", since: new Date(0).toISOString() }),
    },
    brain: createRulesBrain(),
  });
  return fn.opts.debounce;
}

describe("AGENT_DEBOUNCE", () => {
  it("refuses a period shorter than 1 second (but not 0s) or longer than 7 days, saying why", () => {
    expect(debounceError("500ms")).toMatch(/AGENT_DEBOUNCE: must be 0s \(off\) or at least 1s/);
    expect(debounceError("999ms")).toMatch(/AGENT_DEBOUNCE: must be 0s \(off\) or at least 1s/);
    expect(debounceError("8d")).toMatch(/AGENT_DEBOUNCE: must be at most 7d/);
  });

  it("turns debounce off with 0s: the function is registered without a debounce", () => {
    expect(loadConfig({ AGENT_DEBOUNCE: "0s" }).agent.debounceMs).toBe(0);
    expect(debounceOf("0s")).toBeUndefined();
  });

  it("accepts the limits themselves", () => {
    expect(loadConfig({ AGENT_DEBOUNCE: "1s" }).agent.debounceMs).toBe(1_000);
    expect(loadConfig({ AGENT_DEBOUNCE: "7d" }).agent.debounceMs).toBe(7 * 86_400_000);
  });

  it("debounces per conversation, answering a non-stop writer within 10 periods, at most 7 days", () => {
    expect(debounceOf("2s")).toEqual({ key: "event.data.conversationId", period: "2s", timeout: "20s" });
    expect(debounceOf("1d")).toMatchObject({ period: "1d", timeout: "7d" });
    expect(debounceOf("7d")).toMatchObject({ period: "7d", timeout: "7d" });
  });
});
