import { createHash, createHmac, timingSafeEqual } from "node:crypto";

// Inngest request signing: X-Inngest-Signature: t=<unix seconds>&s=<hex hmac-sha256(body + t)>,
// keyed by the signing key text without its "signkey-<env>-" prefix.
export function stripSigningKeyPrefix(signingKey: string): string {
  return signingKey.replace(/^signkey-[\w]+-/, "");
}

export function signBody(body: string, signingKey: string, unixSeconds: number): string {
  const mac = createHmac("sha256", stripSigningKeyPrefix(signingKey))
    .update(body + String(unixSeconds))
    .digest("hex");
  return `t=${unixSeconds}&s=${mac}`;
}

/** Checks a signature header the way the SDK does (5-minute window). */
export function verifySignature(body: string, header: string, signingKey: string, nowMs: number): boolean {
  const params = new URLSearchParams(header);
  const t = Number(params.get("t"));
  const s = params.get("s") ?? "";
  if (!Number.isFinite(t) || Math.abs(nowMs - t * 1000) > 5 * 60_000) return false;
  const expected = new URLSearchParams(signBody(body, signingKey, t)).get("s") ?? "";
  return expected.length === s.length && timingSafeEqual(Buffer.from(expected), Buffer.from(s));
}

/** The bearer token the SDK sends on its own API calls: prefix + sha256(hex-decoded key). */
export function hashedSigningKey(signingKey: string): string {
  const prefix = /^signkey-[\w]+-/.exec(signingKey)?.[0] ?? "";
  const key = stripSigningKeyPrefix(signingKey);
  return `${prefix}${createHash("sha256").update(Buffer.from(key, "hex")).digest("hex")}`;
}
