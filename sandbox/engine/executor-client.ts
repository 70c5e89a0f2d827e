import { createLocalFetch } from "../../shared/http/local-fetch.js";
import type { CallOutcome } from "./outcome.js";
import { decodeResponse } from "./outcome.js";
import { signBody } from "./signing.js";

// One HTTP call to an app's serve() endpoint with the v2 executor request. The SDK re-canonicalizes
// the parsed body before checking the signature, so the body is sent as canonical JSON text.
export interface ExecutorRequest {
  /** -1: the SDK runs its preferred execution version (v2 for SDK v4, what Inngest asks for). */
  version: -1;
  event: unknown;
  events: unknown[];
  steps: Record<string, unknown>;
  ctx: {
    run_id: string;
    attempt: number;
    max_attempts: number;
    disable_immediate_execution: boolean;
    use_api: false;
    stack: { stack: string[]; current: number };
    /** Set together: the SDK may checkpoint steps within this call (see request.ts). */
    fn_id?: string;
    qi_id?: string;
  };
}

export interface CallOptions {
  url: string;
  /** canonicalJson(ExecutorRequest), taken as a snapshot while the run was locked */
  body: string;
  signingKey?: string;
  timeoutMs?: number;
}

/** Calls go on kept-alive node:http connections (an https app URL goes through global fetch). */
const callFetch = createLocalFetch();

export async function callFunction(opts: CallOptions): Promise<CallOutcome> {
  const body = opts.body;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "x-inngest-server-kind": opts.signingKey ? "cloud" : "dev",
  };
  // Signatures carry real time: the SDK rejects timestamps 5 minutes away from its own Date.now(),
  // which the engine's movable clock would break.
  if (opts.signingKey)
    headers["x-inngest-signature"] = signBody(body, opts.signingKey, Math.round(Date.now() / 1000));
  try {
    const res = await callFetch(opts.url, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 2 * 3_600_000),
    });
    const text = await res.text();
    return decodeResponse(res.status, res.headers, text);
  } catch (err) {
    return {
      kind: "error",
      retriable: true,
      status: 0,
      error: { name: "Error", message: `could not reach the app: ${(err as Error).message}` },
    };
  }
}
