// A fetch for plain-HTTP calls between processes on one machine (the sandbox's apps and its local
// engine call each other several times per customer message). It answers what global fetch answers
// for a request with a method, headers and a string body, over node:http with kept-alive
// connections, at a fraction of the CPU undici's fetch spends per request. Anything else (https, a
// stream or form body, a Request object) goes to global fetch unchanged.
import { Agent, request, type IncomingHttpHeaders } from "node:http";

/** Statuses whose Response may not have a body. */
const NO_BODY = new Set([101, 103, 204, 205, 304]);

export function createLocalFetch(): typeof fetch {
  // Idle connections are dropped before a Node server's default keep-alive (5 s) would close them.
  const agent = new Agent({ keepAlive: true, timeout: 4000 });
  const localFetch = (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = typeof input === "string" ? safeUrl(input) : input instanceof URL ? input : undefined;
    const body = init?.body;
    if (
      !url ||
      url.protocol !== "http:" ||
      (body !== undefined && body !== null && typeof body !== "string")
    ) {
      return fetch(input, init);
    }
    return send(agent, url, init ?? {}, body ?? undefined, true);
  };
  return localFetch as typeof fetch;
}

function safeUrl(text: string): URL | undefined {
  try {
    return new URL(text);
  } catch {
    return undefined;
  }
}

function send(agent: Agent, url: URL, init: RequestInit, body: string | undefined, mayRetry: boolean) {
  return new Promise<Response>((resolve, reject) => {
    const signal = init.signal ?? undefined;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const headers = headerRecord(init.headers);
    if (body !== undefined) {
      headers["content-length"] = String(Buffer.byteLength(body));
      // fetch's default for a string body
      if (!Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) {
        headers["content-type"] = "text/plain;charset=UTF-8";
      }
    }
    const req = request(url, { method: init.method ?? "GET", headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("error", fail);
      res.on("end", () => {
        signal?.removeEventListener("abort", onAbort);
        const status = res.statusCode ?? 0;
        const text = Buffer.concat(chunks).toString("utf8");
        resolve(
          new Response(NO_BODY.has(status) ? null : text, {
            status,
            statusText: res.statusMessage ?? "",
            headers: responseHeaders(res.headers),
          }),
        );
      });
    });
    const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error("aborted"));
    function fail(error: Error & { code?: string }) {
      signal?.removeEventListener("abort", onAbort);
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      // A kept-alive connection the server closed just as we reused it: the request never got
      // there, so it goes once more on a fresh connection (as Node's documentation advises).
      if (mayRetry && req.reusedSocket && error.code === "ECONNRESET") {
        send(agent, url, init, body, false).then(resolve, reject);
        return;
      }
      // what fetch throws when the other side cannot be reached
      reject(new TypeError("fetch failed", { cause: error }));
    }
    signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", fail);
    req.end(body);
  });
}

function headerRecord(headers: RequestInit["headers"]): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers || Array.isArray(headers)) return Object.fromEntries(headers);
  return { ...(headers as Record<string, string>) };
}

function responseHeaders(headers: IncomingHttpHeaders): [string, string][] {
  const out: [string, string][] = [];
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) out.push([name, v]);
  }
  return out;
}
