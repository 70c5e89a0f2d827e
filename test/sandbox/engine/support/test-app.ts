import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { ConsoleLogger, Inngest } from "inngest";
import type { InngestFunction } from "inngest";
import { serve } from "inngest/express";

// A real Inngest app (unmodified SDK, Express serve()) pointed at the local engine.
export interface TestApp {
  inngest: Inngest;
  url: string;
  stop(): Promise<void>;
}

export interface TestAppOptions {
  engineUrl: string;
  id?: string;
  /** Cloud mode: the app verifies the engine's signatures with this key. */
  signingKey?: string;
  eventKey?: string;
}

export function createClient(opts: TestAppOptions): Inngest {
  return new Inngest({
    id: opts.id ?? "test-app",
    baseUrl: opts.engineUrl,
    // user-code errors are expected in these tests; keep the output readable
    logger: new ConsoleLogger({ level: "silent" }),
    internalLogger: new ConsoleLogger({ level: "silent" }),
    ...(opts.signingKey
      ? { isDev: false, signingKey: opts.signingKey, eventKey: opts.eventKey ?? "test-event-key" }
      : { isDev: true }),
  });
}

export async function serveApp(
  inngest: Inngest,
  functions: InngestFunction.Any[],
): Promise<{ url: string; stop(): Promise<void> }> {
  const app = express();
  app.use("/api/inngest", express.json({ limit: "10mb" }), serve({ client: inngest, functions }));
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/inngest`;
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
