import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLocalFetch } from "../../shared/http/index.js";

// The sandbox's apps and engine call each other through createLocalFetch: for what they send, the
// caller must not see a difference from global fetch.
let server: Server;
let base: string;
const seen: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string }[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body });
      if (req.url === "/empty") {
        res.writeHead(204).end();
        return;
      }
      if (req.url === "/slow") {
        setTimeout(() => res.end("late"), 2000);
        return;
      }
      res.writeHead(req.url?.startsWith("/ops") ? 206 : 200, {
        "content-type": "application/json",
        "retry-after": "3",
        "set-cookie": ["a=1", "b=2"],
      });
      res.end(JSON.stringify({ echo: body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe("createLocalFetch", () => {
  const localFetch = createLocalFetch();

  it("answers a POST with a string body as fetch does: status, headers, body", async () => {
    const init = {
      method: "POST",
      headers: { "x-inngest-sdk": "v4", "content-type": "application/json" },
      body: '{"a":1}',
    };
    const [ours, theirs] = [await localFetch(`${base}/ops?x=1`, init), await fetch(`${base}/ops?x=1`, init)];
    expect(ours.status).toBe(206);
    expect(ours.ok).toBe(theirs.ok);
    expect(ours.headers.get("retry-after")).toBe("3");
    expect(ours.headers.get("set-cookie")).toBe(theirs.headers.get("set-cookie"));
    expect(await ours.json()).toEqual(await theirs.json());
    const [a, b] = seen.slice(-2);
    expect(a).toMatchObject({ method: "POST", url: "/ops?x=1", body: '{"a":1}' });
    expect(a!.headers["x-inngest-sdk"]).toBe("v4");
    expect(a!.headers["content-length"]).toBe(b!.headers["content-length"]);
  });

  it("sends a string body without a type as text/plain, like fetch; a 204 has no body", async () => {
    await localFetch(`${base}/plain`, { method: "POST", body: "hi" });
    expect(seen.at(-1)!.headers["content-type"]).toBe("text/plain;charset=UTF-8");
    const empty = await localFetch(`${base}/empty`);
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe("");
  });

  it("leaves other bodies to global fetch", async () => {
    await localFetch(`${base}/form`, { method: "POST", body: new URLSearchParams({ a: "1" }) });
    expect(seen.at(-1)).toMatchObject({ body: "a=1" });
    expect(seen.at(-1)!.headers["content-type"]).toContain("application/x-www-form-urlencoded");
  });

  it("rejects as fetch does when nobody listens, and with the signal's reason when aborted", async () => {
    await expect(localFetch("http://127.0.0.1:9/", { method: "POST", body: "x" })).rejects.toThrow(
      "fetch failed",
    );
    await expect(localFetch(`${base}/slow`, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({
      name: "TimeoutError",
    });
  });
});
