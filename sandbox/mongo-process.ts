// Starts the embedded MongoDB-compatible server in a child process (mongo-child.ts) and hands back
// the same shape as startEmbeddedMongo. Every acknowledged write is journaled by the child before it
// replies, exactly as in process; a kill -9 of either process loses nothing acknowledged.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { EmbeddedMongo } from "./mongo/index.js";

export interface EmbeddedMongoProcess extends EmbeddedMongo {
  pid: number;
}

const CHILD = fileURLToPath(
  new URL(`./mongo-child${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url),
);

export function startEmbeddedMongoProcess(opts: { dataDir?: string } = {}): Promise<EmbeddedMongoProcess> {
  const child = spawn(
    process.execPath,
    [...process.execArgv, CHILD, ...(opts.dataDir ? [opts.dataDir] : [])],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    let out = "";
    const onExit = (code: number | null) =>
      reject(new Error(`embedded MongoDB exited before it listened (code ${code})`));
    child.once("exit", onExit);
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString("utf8");
      const match = /listening (mongodb:\/\/\S+)/.exec(out);
      if (!match) return;
      child.off("exit", onExit);
      child.stdout!.removeAllListeners("data");
      child.stdout!.resume();
      const uri = match[1]!;
      resolve({
        uri,
        port: Number(new URL(uri).port),
        pid: child.pid!,
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
          await exited;
        },
      });
    });
  });
}
