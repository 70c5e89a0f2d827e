// `npm start`: the whole product on this machine, with local stand-ins for the outside world.
// Starts the embedded MongoDB-compatible server (or uses MONGODB_URI) and the local Inngest engine,
// each in a child process, then the worker side with simulated phones, the Slack side and the
// sandbox page in this one, and prints the page's URL.
// With real credentials in the environment the same code runs against the real services instead.
import { onShutdownSignal, portOf } from "../shared/http/index.js";
import { useEnvironmentSnapshot } from "../shared/inngest.js";
import { createLogger } from "../shared/logger.js";
import { LOCALHOST, startSandbox } from "./compose.js";
import { loadSandboxConfig, preflight } from "./preflight.js";
import { stopWithParent } from "./stop-with-parent.js";

const SANDBOX_NOTICE =
  "Sandbox: embedded MongoDB, local Inngest engine and simulated phones are development stand-ins, not production services.";

async function main(): Promise<void> {
  const config = loadSandboxConfig();
  useEnvironmentSnapshot();
  await preflight(config, LOCALHOST);
  const logger = createLogger(config, { base: { side: "sandbox" } });
  console.log(SANDBOX_NOTICE);

  // The embedded MongoDB and the local engine each in a process of their own: with the apps in
  // this one, their work spreads over the machine's cores.
  const sandbox = await startSandbox({ config, logger, mongoIn: "child", engineIn: "child" });
  const { engine, servers } = sandbox;

  console.log(`Sandbox ready: ${sandbox.pageUrl}`);
  console.log(`  local Inngest engine ${engine.url} (runs: ${engine.url}/runs)`);
  console.log(
    `  worker http://${LOCALHOST}:${portOf(servers.worker)}  web http://${LOCALHOST}:${portOf(servers.web)}`,
  );

  stopWithParent();
  onShutdownSignal(logger, () => sandbox.stop());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
