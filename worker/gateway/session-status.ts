// Announces every change of the WhatsApp session's state (ready, qr, disconnected, failed) as
// `whatsapp/session.status-changed`, for Slack alerts and the sandbox page. Best effort: a change
// that cannot be announced (engine down) is logged and skipped; the next change says where we are.
import { clock } from "../../shared/clock.js";
import { whatsappSessionStatusChanged } from "../../shared/events.js";
import type { EventPublisher } from "./event-publisher.js";
import { describeError, silentLogger, type WorkerLogger } from "../logger.js";
import type { Transport, Unsubscribe } from "./transport.js";

export function announceSessionStatus(
  transport: Pick<Transport, "accountId" | "onStatusChange">,
  events: EventPublisher,
  logger: WorkerLogger = silentLogger,
): Unsubscribe {
  // One at a time, in order, so the engine sees the changes as they happened.
  let queue: Promise<void> = Promise.resolve();
  return transport.onStatusChange((status) => {
    const event = whatsappSessionStatusChanged.create({
      accountId: transport.accountId,
      status: status.state,
      ...(status.reason ? { reason: status.reason.slice(0, 500) } : {}),
      at: clock.now().toISOString(),
    });
    queue = queue
      .then(() => events.send(event))
      .then(
        () => undefined,
        (error: unknown) =>
          logger.warn(
            { accountId: transport.accountId, state: status.state, error: describeError(error) },
            "session status change not announced",
          ),
      );
  });
}
