// The worker's QR pairing page, the local engine's API (the sandbox's, and a signed one with keys as
// production-like setups run it), and the sandbox page server's clock, runs and health.
import { expect } from "vitest";
import { SECRETS, type Answer } from "../support/bad-input-stack.js";
import { bareRefusal, bigJson, eventApiError, jsonError, MB, postJson, type Row } from "./rows.js";

const unauthorizedQr = jsonError(401, /^admin token required$/);

/** The clock API refused the move (the runner checks for every row that the engine's clock did not jump). */
const clockRefused = (message: RegExp) => jsonError(400, message);

const ADVANCE_ERROR =
  /^body must be \{"ms": <whole number of milliseconds from 0 to 31622400000 \(366 days\)>\}$/;

export const qrRows: Row[] = [
  {
    name: "/qr: no token",
    target: "worker",
    request: { path: "/qr" },
    expect: unauthorizedQr,
  },
  {
    name: "/qr: a wrong bearer token",
    target: "worker",
    request: { path: "/qr", headers: { authorization: "Bearer qr-admin-badinput-guess" } },
    expect: unauthorizedQr,
  },
  {
    name: "/qr: the token given twice in the query (a list)",
    target: "worker",
    request: { path: `/qr?token=x&token=${SECRETS.whatsappAdminToken}` },
    expect: unauthorizedQr,
  },
  {
    name: "/qr: ?token[$ne]=x (an operator object)",
    target: "worker",
    request: { path: "/qr?token[$ne]=x" },
    expect: unauthorizedQr,
  },
  {
    name: "/qr: the right token with a NUL appended",
    target: "prodWorker",
    request: { path: `/qr?token=${encodeURIComponent(`${SECRETS.whatsappAdminToken}\u0000`)}` },
    expect: unauthorizedQr,
  },
  {
    name: "/qr: a 100 kB Authorization header",
    target: "worker",
    request: { path: "/qr", headers: { authorization: `Bearer ${"a".repeat(100_000)}` } },
    // Node's HTTP parser: headers over 16 kB are refused before any of our code runs.
    expect: bareRefusal(431),
  },
  {
    name: "/qr: path traversal below it",
    target: "worker",
    request: { path: "/qr/../../../etc/passwd" },
    expect: jsonError(404, /^not found$/),
  },
];

export const engineRows: Row[] = [
  {
    name: "engine: an event body that is malformed JSON",
    target: "engine",
    request: postJson("/e/sandbox", '{"name": "whatsapp/message.received", '),
    expect: jsonError(400, /^malformed JSON body$/),
  },
  {
    name: 'engine: an event whose name is {"$gt": ""}',
    target: "engine",
    request: postJson("/e/sandbox", { name: { $gt: "" }, data: {} }),
    expect: eventApiError(400, /^invalid events: 0\.name: Invalid input: expected string, received object$/),
  },
  {
    name: "engine: a list of events, the second without a name",
    target: "engine",
    request: postJson("/e/sandbox", [{ name: "bad-input/ok", data: {} }, { data: {} }]),
    expect: eventApiError(400, /^invalid events: 1\.name: /),
  },
  {
    name: "engine: a 20 MB event",
    target: "engine",
    request: postJson("/e/sandbox", bigJson(20 * MB, { name: "bad-input/big" })),
    expect: jsonError(413, /^request body too large \(at most 10mb\)$/),
  },
  {
    name: "engine: Content-Encoding gzip with a body that is not gzip",
    target: "engine",
    request: postJson("/e/sandbox", '{"name": "bad-input/x"}', { "content-encoding": "gzip" }),
    expect: jsonError(400, /^request body could not be decompressed/),
  },
  {
    name: "engine: Content-Encoding x-unknown",
    target: "engine",
    request: postJson("/e/sandbox", '{"name": "bad-input/x"}', { "content-encoding": "x-unknown" }),
    expect: jsonError(415, /^unsupported content encoding/),
  },
  {
    name: "engine: an event (its key in the path) while the engine's store fails once",
    async call(s) {
      // The next find of the engine's own MongoDB client fails (not retryable), as a store outage would.
      await s.sandbox.db.db.admin().command({
        configureFailPoint: "failCommand",
        mode: { times: 1 },
        data: { failCommands: ["find"], appName: "local-inngest-engine", errorCode: 2 },
      });
      return s.send(
        "engine",
        postJson(`/e/${SECRETS.inngestEventKey}`, { name: "bad-input/unlucky", data: {} }),
      );
    },
    expect: ({ result, logs }) => {
      const answer = result as Answer;
      expect(answer.status, answer.body).toBe(500);
      expect(JSON.parse(answer.body)).toEqual({ error: "internal error" });
      // Logged for the operator, by the route's pattern: the key in the path never reaches the log.
      expect(logs).toMatch(/\[engine\] POST \/e\/:eventKey failed: /);
    },
    cleanup: async (s) => {
      await s.sandbox.db.db.admin().command({ configureFailPoint: "failCommand", mode: "off" });
    },
  },
  {
    name: "engine (with keys): an event sent with a wrong event key",
    target: "prodEngine",
    request: postJson("/e/evkey-guess", { name: "whatsapp/message.received", data: {} }),
    expect: eventApiError(401, /^Event key not found$/),
  },
  {
    name: "engine (with keys): an app registration without the signing key",
    target: "prodEngine",
    request: postJson("/fn/register", {
      url: "http://evil.example/api/inngest",
      appName: "evil",
      functions: [],
    }),
    expect: ({ answer }) => {
      expect(answer!.status).toBe(401);
      expect(JSON.parse(answer!.body)).toEqual({ ok: false, status: 401, error: "Missing signing key" });
    },
  },
  {
    name: "engine (with keys): /apps/sync aimed at 169.254.169.254 without the signing key",
    target: "prodEngine",
    request: postJson("/apps/sync", { url: "http://169.254.169.254/latest/meta-data/" }),
    expect: jsonError(401, /^Missing signing key$/),
  },
  {
    name: 'engine: /clock/advance {"ms": 1e300}',
    target: "engine",
    request: postJson("/clock/advance", '{"ms": 1e300}'),
    expect: clockRefused(ADVANCE_ERROR),
  },
  {
    name: 'engine: /clock/advance {"ms": -60000}',
    target: "engine",
    request: postJson("/clock/advance", { ms: -60_000 }),
    expect: clockRefused(ADVANCE_ERROR),
  },
  {
    name: 'engine: /clock/advance {"ms": "60000"} (a string)',
    target: "engine",
    request: postJson("/clock/advance", { ms: "60000" }),
    expect: clockRefused(ADVANCE_ERROR),
  },
  {
    name: "engine: /runs?limit=abc",
    target: "engine",
    request: { path: "/runs?limit=abc" },
    expect: jsonError(400, /^limit must be a whole number of at least 1$/),
  },
  {
    name: "engine: /runs?status=everything",
    target: "engine",
    request: { path: "/runs?status=everything" },
    expect: jsonError(400, /^unknown status everything$/),
  },
  {
    name: "engine: a run id that is a path",
    target: "engine",
    request: { path: "/runs/..%2F..%2F..%2Fetc%2Fpasswd" },
    expect: jsonError(404, /^run not found$/),
  },
  {
    name: "engine: a bad %-escape in a run id",
    target: "engine",
    request: { path: "/runs/%ZZ/cancel", method: "POST" },
    expect: jsonError(400, /^bad request$/),
  },
];

export const pageRows: Row[] = [
  {
    name: "page: /sandbox/clock/advance with malformed JSON",
    target: "page",
    request: postJson("/sandbox/clock/advance", '{"ms": '),
    expect: jsonError(400, /^body is not valid JSON$/),
  },
  {
    name: 'page: /sandbox/clock/advance {"ms": {"$gt": 0}}',
    target: "page",
    request: postJson("/sandbox/clock/advance", { ms: { $gt: 0 } }),
    expect: clockRefused(ADVANCE_ERROR),
  },
  {
    name: 'page: /sandbox/clock/advance {"ms": 1e300}',
    target: "page",
    request: postJson("/sandbox/clock/advance", '{"ms": 1e300}'),
    expect: clockRefused(ADVANCE_ERROR),
  },
  {
    name: "page: /sandbox/clock/advance with a 1 MB body",
    target: "page",
    request: postJson("/sandbox/clock/advance", bigJson(MB, { ms: 60_000 })),
    expect: jsonError(413, /^body is too large$/),
  },
  {
    name: "page: /sandbox/clock/advance as text/plain",
    target: "page",
    request: {
      method: "POST",
      path: "/sandbox/clock/advance",
      headers: { "content-type": "text/plain" },
      body: "60000",
    },
    expect: jsonError(415, /^unsupported media type/),
  },
  {
    name: "page: /sandbox/runs?limit=-1",
    target: "page",
    request: { path: "/sandbox/runs?limit=-1" },
    expect: jsonError(400, /^limit must be a whole number of at least 1$/),
  },
  {
    name: "page: /sandbox/runs?status[$ne]=x (an operator object)",
    target: "page",
    request: { path: "/sandbox/runs?status[$ne]=x&function[$regex]=.*" },
    expect: ({ answer }) => {
      // Not a string, so not a filter: the answer is the unfiltered list, as without the query.
      expect(answer!.status).toBe(200);
      expect(JSON.parse(answer!.body)).toEqual({ runs: expect.any(Array) });
    },
  },
  {
    name: "page: POST /healthz",
    target: "page",
    request: postJson("/healthz", { ok: false }),
    expect: jsonError(404, /^not found$/),
  },
  {
    name: "page: /healthz/../../etc/passwd",
    target: "page",
    request: { path: "/healthz/../../etc/passwd" },
    expect: jsonError(404, /^not found$/),
  },
];
