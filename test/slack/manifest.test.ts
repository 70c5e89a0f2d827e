// manifest.yml and the code cannot drift apart: every slash command and event the listeners register
// is declared, every declared one has a listener, every Web API method the Slack side calls is
// covered by a declared scope, and all URLs are the one /slack/events endpoint.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const root = new URL("../../", import.meta.url).pathname;
const manifest = readFileSync(join(root, "manifest.yml"), "utf8");

function sources(dir: string): string {
  return readdirSync(join(root, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => readFileSync(join(e.parentPath, e.name), "utf8"))
    .join("\n");
}
const code = sources("slack");

/** Scopes Slack requires for the Web API methods the app calls. */
const SCOPE_FOR_METHOD: Record<string, string | null> = {
  "chat.postMessage": "chat:write",
  "chat.update": "chat:write",
  "chat.postEphemeral": "chat:write",
  "chat.getPermalink": null,
  "views.open": null,
  "views.publish": null,
};

describe("manifest.yml", () => {
  it("declares exactly the slash commands the app listens to", () => {
    const registered = [...code.matchAll(/app\.command\("([^"]+)"/g)].map((m) => m[1]).sort();
    const declared = [...manifest.matchAll(/- command: (\S+)/g)].map((m) => m[1]).sort();
    expect(registered.length).toBeGreaterThan(0);
    expect(declared).toEqual(registered);
    expect(manifest).toMatch(/^\s+- commands$/m);
  });

  it("subscribes to exactly the events the app listens to", () => {
    // Slack subscribes to `message` per kind of conversation: the handoff channel is a channel.
    const subscription = (event: string | undefined) => (event === "message" ? "message.channels" : event);
    const registered = [...code.matchAll(/app\.event\("([^"]+)"/g)].map((m) => subscription(m[1])).sort();
    const section = /bot_events:\n((?:\s+(?:#.*|- \S+)\n)+)/.exec(manifest)?.[1] ?? "";
    const declared = [...section.matchAll(/- (\S+)/g)].map((m) => m[1]).sort();
    expect(declared).toEqual(registered);
  });

  it("has the scopes of every Web API method the code calls", () => {
    const called = [
      ...new Set([...code.matchAll(/client\.(chat|views)\.(\w+)\(/g)].map((m) => `${m[1]}.${m[2]}`)),
    ];
    expect(called.length).toBeGreaterThan(0);
    for (const method of called) {
      expect(Object.keys(SCOPE_FOR_METHOD), `scope of ${method} is known`).toContain(method);
      const scope = SCOPE_FOR_METHOD[method];
      if (scope) expect(manifest).toContain(`- ${scope}\n`);
    }
  });

  it("uses the one request URL for commands, interactivity and events, and turns the App Home tab on", () => {
    const urls = [...manifest.matchAll(/(?:url|request_url): (\S+)/g)].map((m) => m[1]);
    expect(new Set(urls)).toEqual(new Set(["https://YOUR-WEB-HOST/slack/events"]));
    expect(manifest).toMatch(/home_tab_enabled: true/);
    expect(manifest).toMatch(/interactivity:\n\s+is_enabled: true/);
  });
});
