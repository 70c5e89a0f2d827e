// `npm start`: the whole product in one process, with local stand-ins for the outside world.
// Starts the embedded MongoDB-compatible server (or uses MONGODB_URI), the local Inngest engine, the
// worker side with simulated phones, the Slack side, and the sandbox page, then prints its URL.
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

  // The embedded MongoDB in its own process: the product and the engine keep this one busy.
  const sandbox = await startSandbox({ config, logger, mongoIn: "child" });
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
