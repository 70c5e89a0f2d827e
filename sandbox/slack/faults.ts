// Failures of Slack's Web API for tests, answered before the method runs (so a failed call posts or
// changes nothing), as Slack answers them: an HTTP 500, or `ratelimited` (HTTP 429 with a
// Retry-After header in seconds and {"ok": false, "error": "ratelimited"}).
export type WebApiFault = { kind: "http_500" } | { kind: "ratelimited"; retryAfterSeconds: number };

export interface FaultAnswer {
  status: number;
  headers: Record<string, string>;
  body: { ok: false; error: string };
}

export class WebApiFaults {
  private readonly queued = new Map<string, WebApiFault[]>();

  /** The next calls of `method` answer these faults, one per call, in order. */
  failNext(method: string, faults: readonly WebApiFault[]): void {
    this.queued.set(method, [...(this.queued.get(method) ?? []), ...faults]);
  }

  /** The answer for this call of `method`, when a fault is queued for it. */
  take(method: string): FaultAnswer | undefined {
    const fault = this.queued.get(method)?.shift();
    if (!fault) return undefined;
    if (fault.kind === "http_500") {
      return { status: 500, headers: {}, body: { ok: false, error: "internal_error" } };
    }
    return {
      status: 429,
      headers: { "retry-after": String(fault.retryAfterSeconds) },
      body: { ok: false, error: "ratelimited" },
    };
  }

  /** Faults not answered yet. */
  pending(): number {
    let count = 0;
    for (const faults of this.queued.values()) count += faults.length;
    return count;
  }
}
