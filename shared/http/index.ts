// What the composition roots need to serve HTTP: binding and closing servers, stopping on a signal,
// the Inngest endpoint, and one way to answer errors.
export { closeServer, listen, portOf, type CloseOptions } from "./listen.js";
export { onShutdownSignal, SHUTDOWN_GRACE_MS, type ShutdownLogger } from "./shutdown.js";
export { INNGEST_PATH, mountInngest, type InngestMount } from "./inngest-endpoint.js";
export {
  describeHttpError,
  jsonBody,
  jsonErrorHandler,
  notFound,
  serveJsonErrors,
  type ErrorLogger,
  type JsonBodyOptions,
} from "./errors.js";
