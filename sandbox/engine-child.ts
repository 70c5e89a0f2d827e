// The local Inngest engine as a child of `npm start` (see engine-process.ts): its own process, so
// its work (driving runs, its HTTP server and calls to the apps, its MongoDB client) runs beside the
// apps on the other core. Started with its options as JSON; talks to the parent over the IPC
// channel. Stops on SIGTERM, or on its own when the parent is gone (even after a kill -9). Ctrl-C
// reaches the whole process group: it is ignored here, so the parent stops the engine in order,
// before the MongoDB it writes to.
import { MongoClient } from "mongodb";
import type { EngineChildMessage, EngineChildOptions, EngineParentMessage } from "./engine-process.js";
import { MongoStore, startLocalEngine } from "./engine/index.js";
import { watchParent } from "./engine/parent-watch.js";

const options = JSON.parse(process.argv[2] ?? "{}") as EngineChildOptions;
const send = (message: EngineChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  // Command counts (benchmarks), sent ahead of the answer to the next settle or advance.
  const counts = new Map<string, [string, string, number]>();
  const flushCounts = () => {
    if (counts.size === 0) return;
    send({ type: "commands", counts: [...counts.values()] });
    counts.clear();
  };
  let client: MongoClient | undefined;
  if (options.monitorCommands) {
    client = new MongoClient(options.mongoUri, { monitorCommands: true });
    client.on("commandStarted", (event) => {
      const collection = String(event.command[event.commandName] ?? "");
      const key = `${event.commandName} ${collection}`;
      const entry = counts.get(key) ?? [event.commandName, collection, 0];
      entry[2]++;
      counts.set(key, entry);
    });
    await client.connect();
  }

  const clockAcks = new Map<number, () => void>();
  let clockSeq = 0;
  const engine = await startLocalEngine({
    port: options.port,
    host: options.host,
    quiet: true,
    held: options.held,
    ...(client
      ? { store: await MongoStore.fromDb(client, client.db(options.mongoDbName)) }
      : { mongoUri: options.mongoUri, mongoDbName: options.mongoDbName }),
    // the parent's clock moves first: what comes due next may call the apps, which read it
    onClockMoved: (clock) =>
      new Promise<void>((resolve) => {
        const seq = ++clockSeq;
        clockAcks.set(seq, resolve);
        send({ type: "clock", seq, clock });
      }),
  });

  process.on("message", (raw) => {
    const message = raw as EngineParentMessage;
    switch (message.type) {
      case "clock-ack":
        clockAcks.get(message.seq)?.();
        clockAcks.delete(message.seq);
        return;
      case "release":
        engine.release();
        return;
      case "settle":
        void engine.settle(message.timeoutMs).then((ok) => {
          flushCounts();
          send({ type: "settled", id: message.id, ok });
        });
        return;
      case "advance":
        engine.advance(message.ms, message.settleMs).then(
          (result) => {
            flushCounts();
            send({ type: "advanced", id: message.id, result });
          },
          (error: unknown) => send({ type: "advanced", id: message.id, error: (error as Error).message }),
        );
        return;
    }
  });

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) return;
    stopping = true;
    for (const ack of clockAcks.values()) ack(); // nobody to tell any more
    engine
      .stop()
      .then(() => client?.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`local engine: ${error instanceof Error ? error.message : String(error)}`);
          process.exit(1);
        },
      );
  };
  process.on("SIGTERM", shutdown);
  process.on("SIGINT", () => {});
  process.on("disconnect", shutdown);
  watchParent(shutdown, 250);
  send({ type: "ready", url: engine.url, port: engine.port, clock: engine.engine.clockState() });
}

main().catch((error: unknown) => {
  console.error(`the local engine failed to start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
