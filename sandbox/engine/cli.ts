import { USAGE, parseCliArgs } from "./cli-args.js";
import { startLocalEngine } from "./index.js";

// Standalone local Inngest engine: `npm run engine -- --port 8288 [--data-dir DIR] [--app-url URL]...`.
// Runs in the foreground (no daemon), so stopping npm stops it.
async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  let opts;
  try {
    opts = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const mongoUri = process.env["MONGODB_URI"];
  const signingKey = process.env["INNGEST_SIGNING_KEY"];
  const eventKey = process.env["INNGEST_EVENT_KEY"];
  const engine = await startLocalEngine({
    port: opts.port,
    host: opts.host,
    dataDir: opts.dataDir,
    appUrls: opts.appUrls,
    quiet: opts.quiet,
    ...(mongoUri ? { mongoUri } : {}),
    ...(signingKey ? { signingKey } : {}),
    ...(eventKey ? { eventKey } : {}),
  });
  console.log(
    [
      `Local Inngest engine listening on ${engine.url}`,
      "  This is a local stand-in for development, demos and tests. Production uses Inngest",
      "  (Inngest Cloud or a self-hosted `inngest start`); point apps there with INNGEST_BASE_URL.",
      `  State: ${mongoUri ? "MONGODB_URI" : `embedded MongoDB under ${opts.dataDir}`}; requests to apps are ${signingKey ? "signed" : "unsigned (dev mode)"}.`,
      `  Apps: INNGEST_DEV=${engine.url} (or INNGEST_BASE_URL=${engine.url}); sync with a PUT to the serve URL or --app-url.`,
      `  Inspect: GET ${engine.url}/runs   clock: GET ${engine.url}/clock, POST ${engine.url}/clock/advance {"ms":600000}`,
    ].join("\n"),
  );
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[engine] ${signal}: stopping`);
    engine.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`[engine] failed to start: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
