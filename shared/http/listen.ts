// Starting and stopping an HTTP server, as every composition root does it: listen resolves once the
// port is bound (or rejects with a message an operator can act on), closeServer waits until it is shut.
import { createServer, type RequestListener, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Why a port could not be bound, in the operator's words (the code is Node's `error.code`). */
const LISTEN_FAILURES: Record<string, string> = {
  EADDRINUSE: "the port is already in use (stop what holds it, or choose another port; 0 = any free port)",
  EACCES: "permission denied (ports below 1024 need privileges)",
  EADDRNOTAVAIL: "the address is not available on this machine",
};

/**
 * Binds `app` to `port` (0 = any free port) on `host` (default: every interface). Rejects with an
 * error naming the address, e.g. "cannot listen on port 3000: the port is already in use (...)".
 */
export function listen(app: RequestListener, port: number, host?: string): Promise<Server> {
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    const onListening = () => {
      server.off("error", onError);
      resolve(server);
    };
    const onError = (error: NodeJS.ErrnoException) => {
      const where = host === undefined ? `port ${port}` : `${host}:${port}`;
      const why = LISTEN_FAILURES[error.code ?? ""] ?? error.message;
      reject(new Error(`cannot listen on ${where}: ${why}`, { cause: error }));
    };
    server.once("error", onError);
    if (host === undefined) server.listen(port, onListening);
    else server.listen(port, host, onListening);
  });
}

/** The port a listening server got (the one asked for, or the free one chosen for port 0). */
export function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

export interface CloseOptions {
  /** End open connections at once instead of letting their requests finish. */
  abortOpen?: boolean;
}

/** Stops accepting connections; resolves when the server is closed (idle keep-alive connections are closed at once). */
export function closeServer(server: Server, options: CloseOptions = {}): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    if (options.abortOpen) server.closeAllConnections();
    else server.closeIdleConnections();
  });
}
