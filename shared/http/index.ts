// What the composition roots need to serve HTTP: binding and closing servers, stopping on a signal,
// the Inngest endpoint, one way to answer errors, and a fetch for calls within one machine.
export { closeServer, listen, portOf, type CloseOptions } from "./listen.js";
export { onShutdownSignal, SHUTDOWN_GRACE_MS, type ShutdownLogger } from "./shutdown.js";
export { INNGEST_PATH, mountInngest, type InngestMount } from "./inngest-endpoint.js";
export { createLocalFetch } from "./local-fetch.js";
export {
  describeHttpError,
  jsonBody,
  jsonErrorHandler,
  notFound,
  serveJsonErrors,
  type ErrorLogger,
  type JsonBodyOptions,
} from "./errors.js";
