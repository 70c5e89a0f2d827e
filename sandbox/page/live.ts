// The page's live updates (GET /sandbox/events, server-sent events): "phone", "slack" and "runs"
// events tell the page which pane to fetch again. Phones announce their changes; Slack and the
// engine are watched (their state changes by the apps' own calls) while a page is connected.
import type { Request, Response } from "express";

export type Topic = "phone" | "slack" | "runs";

export interface LiveSources {
  /** Subscribes to the phones' changes. */
  onPhoneChange: (listener: () => void) => () => void;
  /** Anything that changes whenever the Slack workspace's content changes. */
  slackFingerprint: () => string;
  /** Anything that changes whenever a run changes (the engine's /runs answer). */
  runsFingerprint: () => Promise<string>;
}

const WATCH_EVERY_MS = 400;

export class LiveFeed {
  private readonly clients = new Set<Response>();
  private timer: NodeJS.Timeout | undefined;
  private last: { slack?: string; runs?: string } = {};
  private watching = false;
  private readonly unsubscribe: () => void;

  constructor(private readonly sources: LiveSources) {
    this.unsubscribe = sources.onPhoneChange(() => this.publish("phone"));
  }

  /** Serves one page's event stream until it disconnects. */
  serve(req: Request, res: Response): void {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.write("retry: 1000\n\n");
    this.clients.add(res);
    req.on("close", () => {
      this.clients.delete(res);
      if (this.clients.size === 0) this.stopWatching();
    });
    this.startWatching();
  }

  /** Tells every page that a pane's content changed. */
  publish(topic: Topic): void {
    for (const client of this.clients) client.write(`event: ${topic}\ndata: {}\n\n`);
  }

  close(): void {
    this.unsubscribe();
    this.stopWatching();
    for (const client of this.clients) client.end();
    this.clients.clear();
  }

  private startWatching(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.watch(), WATCH_EVERY_MS);
    this.timer.unref();
  }

  private stopWatching(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async watch(): Promise<void> {
    if (this.watching) return; // a slow engine answer: skip a beat rather than pile up
    this.watching = true;
    try {
      const slack = this.sources.slackFingerprint();
      if (slack !== this.last.slack) {
        this.last.slack = slack;
        this.publish("slack");
      }
      const runs = await this.sources.runsFingerprint();
      if (runs !== this.last.runs) {
        this.last.runs = runs;
        this.publish("runs");
      }
    } catch {
      // the engine is stopping or restarting: the next beat asks again
    } finally {
      this.watching = false;
    }
  }
}
