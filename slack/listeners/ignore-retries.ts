// Slack re-sends a request it thinks went unanswered (X-Slack-Retry-Num). Every listener acks at
// once and its work is idempotent anyway, so a retry is answered and dropped here: it never repeats
// an action (a second card update, a second toggle answer).
import type { AnyMiddlewareArgs, Middleware } from "@slack/bolt";

// A message event is the exception: its work is keyed by the Slack message (the staff reply's event
// id), so a retry after a first delivery that failed still delivers the reply, and a retry after one
// that worked repeats nothing.
export const ignoreRetries: Middleware<AnyMiddlewareArgs> = async (args) => {
  const isMessageEvent = "event" in args && (args.event as { type?: string }).type === "message";
  if ((args.context.retryNum ?? 0) > 0 && !isMessageEvent) {
    if ("ack" in args && typeof args.ack === "function") await (args.ack as () => Promise<void>)();
    return;
  }
  await args.next();
};
