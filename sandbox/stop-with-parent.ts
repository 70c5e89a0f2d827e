// `npm start` must not outlive npm: npm starts it through `sh -c`, and when npm is stopped (SIGTERM,
// or even SIGKILL) the shell between does not pass the signal on. When the chain that started us is
// gone, we stop the way a SIGTERM stops us (clean shutdown, state kept).
import { watchParent } from "./engine/parent-watch.js";

export function stopWithParent(): void {
  watchParent(() => process.kill(process.pid, "SIGTERM"));
}
