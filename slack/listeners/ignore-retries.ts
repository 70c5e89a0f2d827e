// Slack re-sends a request it thinks went unanswered (X-Slack-Retry-Num). Every listener acks at
// once and its work is idempotent anyway, so a retry is answered and dropped here: it never repeats
// an action (a second card update, a second toggle answer).
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";

export const ignoreRetries: Middleware<AnyMiddlewareArgs> = async (args) => {
  if ((args.context.retryNum ?? 0) > 0) {
    if ("ack" in args && typeof args.ack === "function") await (args.ack as () => Promise<void>)();
    return;
  }
  await args.next();
};
