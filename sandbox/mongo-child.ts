// The embedded MongoDB-compatible server as a child of `npm start` (see mongo-process.ts): its own
// process, so its CPU work (queries, BSON, the journal) runs on the second core. Prints
// `listening <uri>` for the parent and stops on SIGTERM, or on its own when the parent is gone (even
// after a kill -9), so it never outlives `npm start` holding its data directory. Ctrl-C reaches the
// whole process group: it is ignored here, so the parent's shutdown can still write (the engine
// saves its runs) before it stops this server.
import { watchParent } from "./engine/parent-watch.js";
import { startEmbeddedMongo } from "./mongo/index.js";

const dataDir = process.argv[2];

async function main(): Promise<void> {
  const server = await startEmbeddedMongo({ ...(dataDir ? { dataDir } : {}), quiet: true });
  console.log(`listening ${server.uri}`);
  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    server.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", () => {});
  watchParent(shutdown, 250);
}

main().catch((error: unknown) => {
  console.error(`embedded MongoDB failed to start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
