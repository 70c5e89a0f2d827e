import { ConfigError, loadConfig } from "../../shared/config/index.js";
import { USAGE, parseCliArgs } from "./cli-args.js";
import type { CliOptions } from "./cli-args.js";
import { startLocalEngine } from "./index.js";
import { watchParent } from "./parent-watch.js";

// Standalone local Inngest engine: `npm run engine -- --port 8288 [--data-dir DIR] [--app-url URL]...`.
// Settings come from shared/config/ (environment and .env, validated); flags override them.
// Runs in the foreground (no daemon) and exits when its parent does, so stopping npm stops it.
async function main(): Promise<void> {
  if (process.argv.includes("--help") || process.argv.includes("-h")) {
    console.log(USAGE);
    return;
  }
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message); // one message naming every bad variable, no stack trace
    process.exit(2);
  }
  let opts: CliOptions;
  try {
    opts = parseCliArgs(process.argv.slice(2), config.engine);
  } catch (err) {
    console.error(`${(err as Error).message}\n${USAGE}`);
    process.exit(2);
  }
  const mongoUri = config.mongo.uri;
  const signingKey = config.inngest.signingKey;
  const eventKey = config.inngest.eventKey;
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
      `Local Inngest engine listening on ${engine.url} (pid ${process.pid})`,
      "  This is a local stand-in for development, demos and tests. Production uses Inngest",
      "  (Inngest Cloud or a self-hosted `inngest start`); point apps there with INNGEST_BASE_URL.",
      `  State: ${mongoUri ? "MONGODB_URI" : `embedded MongoDB under ${opts.dataDir}`}; requests to apps are ${signingKey ? "signed" : "unsigned (dev mode)"}.`,
      `  Apps: INNGEST_DEV=${engine.url} (or INNGEST_BASE_URL=${engine.url}); sync with a PUT to the serve URL or --app-url.`,
      `  Inspect: GET ${engine.url}/runs   clock: GET ${engine.url}/clock, POST ${engine.url}/clock/advance {"ms":600000}`,
    ].join("\n"),
  );
  let stopping = false;
  const shutdown = (why: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`[engine] ${why}: stopping`);
    // never hang on shutdown: the port must be freed even if a call to an app does not return
    setTimeout(() => process.exit(1), 8000).unref();
    engine.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
  process.on("SIGHUP", () => shutdown("SIGHUP"));
  watchParent(() => shutdown("parent process exited"));
}

main().catch((err: unknown) => {
  console.error(`[engine] failed to start: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
