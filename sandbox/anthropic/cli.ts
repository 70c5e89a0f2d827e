// Runs the fake Messages API on its own, for trying the Claude adapter by hand:
//   npx tsx sandbox/anthropic/cli.ts [--port 8300]
// then start the worker with ANTHROPIC_BASE_URL=<printed url> ANTHROPIC_API_KEY=sandbox.
// With nothing scripted it answers as the offline rules brain would.
import { startFakeAnthropic } from "./server.js";

const at = process.argv.indexOf("--port");
const port = at > 0 ? Number(process.argv[at + 1]) : 8300;
const fake = await startFakeAnthropic({ port });
console.log(`fake Anthropic Messages API (sandbox stand-in, not the real API) at ${fake.url}`);
const stop = () => {
  void fake.close().then(() => process.exit(0));
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
