// `npm run mongo -- --port 27017 --data-dir .data/mongo`: the embedded server as its own process.
import { parseArgs } from "node:util";
import { z } from "zod";
import { startEmbeddedMongo } from "./index.js";

const Args = z.object({
  port: z.coerce.number().int().min(0).max(65535).default(27017),
  host: z.string().min(1).default("127.0.0.1"),
  "data-dir": z.string().min(1).optional(),
  quiet: z.boolean().default(false),
});

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "data-dir": { type: "string" },
      quiet: { type: "boolean" },
    },
    strict: true,
  });
  const parsed = Args.safeParse(values);
  if (!parsed.success) {
    console.error(
      `invalid arguments: ${parsed.error.issues.map((i) => `--${i.path.join(".")}: ${i.message}`).join("; ")}`,
    );
    process.exit(2);
  }
  const args = parsed.data;
  const server = await startEmbeddedMongo({
    port: args.port,
    host: args.host,
    dataDir: args["data-dir"],
    quiet: args.quiet,
  });
  // A parent process (tests, scripts) can read the bound port from this line.
  console.log(`listening ${server.uri}`);
  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    console.log(`[embedded-mongo] ${signal}: shutting down`);
    server.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  console.error(`[embedded-mongo] failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
