// The webhook action's request: POST JSON, signed with HMAC-SHA256, 10 s limit, no redirects, and only
// to addresses the AddressPolicy accepts. The host name is resolved once, every resolved address is
// checked, and the request connects to the checked address (the Host header and TLS name stay the
// URL's), so DNS rebinding between check and connect is not possible.
import { createHmac } from "node:crypto";
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import type { AddressPolicy } from "./address-policy.js";

export const WEBHOOK_TIMEOUT_MS = 10_000;
export const SIGNATURE_HEADER = "x-automation-signature";
export const TIMESTAMP_HEADER = "x-automation-timestamp";
export const DELIVERY_HEADER = "x-automation-delivery";

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;

const systemResolver: Resolver = (hostname) => lookup(hostname, { all: true, verbatim: true });

export interface WebhookOptions {
  secret: string | undefined;
  policy: AddressPolicy;
  /** Unique per delivery (execution + action): receivers use it to drop a retried delivery. */
  deliveryId: string;
  /** Unix seconds in the signature (the product's clock). */
  nowSeconds: number;
  timeoutMs?: number;
  resolve?: Resolver;
}

export class WebhookError extends Error {
  override readonly name = "WebhookError";
}

/** `sha256=<hex>` over `<timestamp>.<body>`: what a receiver recomputes with the shared secret. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** Resolves and checks the URL's host; the address to connect to, or a WebhookError. */
export async function resolveAllowedAddress(
  url: URL,
  policy: AddressPolicy,
  resolve: Resolver = systemResolver,
): Promise<string> {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses: { address: string }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host }];
  } else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new WebhookError(`cannot resolve ${host}: ${(error as Error).message}`);
    }
  }
  if (addresses.length === 0) throw new WebhookError(`${host} has no address`);
  for (const { address } of addresses) {
    const why = policy.refusal(address);
    if (why) throw new WebhookError(`refused ${host}: ${why}`);
  }
  return (addresses[0] as { address: string }).address;
}

export async function postWebhook(
  rawUrl: string,
  payload: unknown,
  options: WebhookOptions,
): Promise<{ status: number }> {
  if (!options.secret) {
    throw new WebhookError("webhooks are signed: set AUTOMATION_WEBHOOK_SECRET to send them");
  }
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new WebhookError("not a valid URL");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new WebhookError("only http(s) URLs");
  const address = await resolveAllowedAddress(url, options.policy, options.resolve);
  const body = JSON.stringify(payload);
  const timestamp = String(options.nowSeconds);
  const headers = {
    host: url.host,
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "user-agent": "salesbot-automations/1",
    [TIMESTAMP_HEADER]: timestamp,
    [SIGNATURE_HEADER]: webhookSignature(options.secret, timestamp, body),
    [DELIVERY_HEADER]: options.deliveryId,
  };
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const secure = url.protocol === "https:";
  const hostname = url.hostname.replace(/^\[|\]$/g, "");

  return new Promise((resolvePromise, reject) => {
    const request = (secure ? https : http).request(
      {
        method: "POST",
        host: address,
        port: url.port || (secure ? 443 : 80),
        path: `${url.pathname}${url.search}`,
        headers,
        // TLS: present and verify the URL's name, not the address.
        ...(secure && isIP(hostname) === 0 ? { servername: hostname } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        response.resume();
        response.on("end", () => {
          clearTimeout(timer);
          if (status >= 300 && status < 400) {
            reject(new WebhookError(`HTTP ${status}: redirects are not followed`));
          } else if (status < 200 || status >= 300) {
            reject(new WebhookError(`HTTP ${status}`));
          } else {
            resolvePromise({ status });
          }
        });
        response.on("error", (error) => {
          clearTimeout(timer);
          reject(new WebhookError(error.message));
        });
      },
    );
    const timer = setTimeout(() => {
      request.destroy(new WebhookError(`no answer within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    request.on("error", (error) => {
      clearTimeout(timer);
      reject(error instanceof WebhookError ? error : new WebhookError(error.message));
    });
    request.end(body);
  });
}
