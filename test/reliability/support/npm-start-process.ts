// `npm start`'s entry (sandbox/main.ts) in a process group of its own, as a terminal runs it: every
// server on a random port, the data under a directory the test gives, so a second start on the same
// directory is a restart. `killGroup` is `kill -9` of the sandbox and its embedded MongoDB child at once.
import { startGroup, type GroupProcess } from "./process-group.js";

export interface NpmStartProcess extends GroupProcess {
  /** The sandbox page's server, e.g. http://127.0.0.1:41234 (no trailing slash). */
  url: string;
}

export async function startNpmStart(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<NpmStartProcess> {
  const sandbox = await startGroup(
    "sandbox/main.ts",
    [],
    {
      SANDBOX_DATA_DIR: dataDir,
      SANDBOX_PORT: "0",
      PORT: "0",
      WORKER_PORT: "0",
      INNGEST_ENGINE_PORT: "0",
      LOG_LEVEL: "warn",
      ...env,
    },
    /Sandbox ready: (http:\/\/\S+?)\/?\s/,
  );
  return { ...sandbox, url: sandbox.ready[1]! };
}
