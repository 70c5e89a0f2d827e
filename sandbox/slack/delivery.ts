// Delivers requests to the Slack app exactly as Slack does: signed with the signing secret
// (X-Slack-Signature = "v0=" + HMAC-SHA256 of "v0:<timestamp>:<raw body>"), interactivity as a
// form-encoded `payload`, slash commands as form fields, events as JSON. Also tells when the app's work
// after the ack has settled: no Web API call in flight and none for a quiet moment.
import { createHmac } from "node:crypto";

export function slackSignature(secret: string, timestamp: number, rawBody: string): string {
  return "v0=" + createHmac("sha256", secret).update(`v0:${timestamp}:${rawBody}`).digest("hex");
}

export interface BoltAnswer {
  status: number;
  /** The response body: Bolt's ack() content ("" for a bare ack). */
  body: string;
  contentType: string;
}

/** Slack gives up after 3 s and shows an error; we wait longer so a slow machine is not mistaken for a bug. */
const DELIVERY_TIMEOUT_MS = 15_000;

export class NotConnectedError extends Error {}
export class AppUnreachableError extends Error {}

export class Delivery {
  private boltUrl: string | undefined;
  private last: { rawBody: string; kind: "form" | "json"; retries: number } | undefined;

  constructor(
    private readonly signingSecret: string,
    boltUrl?: string,
  ) {
    this.boltUrl = boltUrl;
  }

  setBoltUrl(url: string): void {
    this.boltUrl = url;
  }

  assertConnected(): void {
    if (!this.boltUrl) {
      throw new NotConnectedError("the Slack app is not connected to the simulated workspace yet");
    }
  }

  /** Interactivity (block_actions, view_submission): form-encoded `payload=<json>`. */
  interaction(payload: unknown): Promise<BoltAnswer> {
    return this.send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), "form");
  }

  /** Slash commands: form-encoded fields. */
  command(fields: Record<string, string>): Promise<BoltAnswer> {
    return this.send(new URLSearchParams(fields).toString(), "form");
  }

  /** Events API: JSON. */
  event(envelope: unknown): Promise<BoltAnswer> {
    return this.send(JSON.stringify(envelope), "json");
  }

  /**
   * Sends the last request again as Slack retries it (X-Slack-Retry-Num counting up,
   * X-Slack-Retry-Reason), with a fresh signature.
   */
  async redeliverLast(reason = "http_timeout"): Promise<BoltAnswer> {
    if (!this.last) throw new NotConnectedError("nothing was delivered yet");
    this.last.retries += 1;
    return this.send(this.last.rawBody, this.last.kind, { num: this.last.retries, reason });
  }

  private async send(
    rawBody: string,
    kind: "form" | "json",
    retry?: { num: number; reason: string },
  ): Promise<BoltAnswer> {
    this.assertConnected();
    if (!retry) this.last = { rawBody, kind, retries: 0 };
    const timestamp = Math.floor(Date.now() / 1000);
    let response: Response;
    try {
      response = await fetch(this.boltUrl!, {
        method: "POST",
        headers: {
          // Bolt treats a body as form data only for this exact type (no charset).
          "Content-Type": kind === "form" ? "application/x-www-form-urlencoded" : "application/json",
          "X-Slack-Request-Timestamp": String(timestamp),
          "X-Slack-Signature": slackSignature(this.signingSecret, timestamp, rawBody),
          ...(retry ? { "X-Slack-Retry-Num": String(retry.num), "X-Slack-Retry-Reason": retry.reason } : {}),
        },
        body: rawBody,
        signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
      });
    } catch (error) {
      throw new AppUnreachableError(
        `the Slack app did not answer: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return {
      status: response.status,
      body: await response.text(),
      contentType: response.headers.get("content-type") ?? "",
    };
  }
}

/** Something shown to one person only: an ephemeral message, a response_url reply, or a modal. */
export interface ShownToUser {
  user: string;
  /** "" for a modal: it answers the person but is no text. */
  text: string;
  /** Set when it came through a response_url. */
  responseUrlId?: string;
}

export class Activity {
  private inflight = 0;
  private lastAt = 0;
  /** Web API and response_url requests received so far. */
  private requests = 0;
  private readonly watchers = new Set<(shown: ShownToUser) => void>();

  /** Marks a Web API or response_url request; call the returned function when it has been answered. */
  begin(): () => void {
    this.inflight += 1;
    this.requests += 1;
    this.lastAt = Date.now();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.inflight -= 1;
      this.lastAt = Date.now();
    };
  }

  touch(): void {
    this.lastAt = Date.now();
  }

  get requestCount(): number {
    return this.requests;
  }

  shown(item: ShownToUser): void {
    for (const watch of this.watchers) watch(item);
  }

  watch(fn: (shown: ShownToUser) => void): () => void {
    this.watchers.add(fn);
    return () => this.watchers.delete(fn);
  }

  /**
   * Resolves once `ready()` holds and nothing was in flight for `quietMs()`, or at `deadline` at
   * the latest.
   */
  settle(opts: { quietMs: () => number; ready: () => boolean; deadline: number }): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        const now = Date.now();
        if (
          now >= opts.deadline ||
          (opts.ready() && this.inflight === 0 && now - this.lastAt >= opts.quietMs())
        ) {
          resolve();
          return;
        }
        setTimeout(check, Math.max(1, Math.min(20, opts.deadline - now)));
      };
      check();
    });
  }
}
