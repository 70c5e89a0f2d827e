// The worker's pairing page and health check. `/qr` shows the pairing QR to an admin (token in
// `Authorization: Bearer <token>` or `?token=`); `/healthz` answers 503 until WhatsApp is ready.
// The QR is rendered server-side as an inline SVG (no script, no third-party request: the code links a
// device, so it never leaves this page); the raw string stays below it as a fallback.
import { createHash, timingSafeEqual } from "node:crypto";
import { Router, type Request } from "express";
import QRCode from "qrcode";
import type { Transport, TransportStatus } from "./transport.js";

export interface PairingRouterOptions {
  transport: Pick<Transport, "accountId" | "status">;
  /** Admin token for `/qr`; must not be empty. */
  adminToken: string;
  /** How often the QR page reloads itself. Default 5 s (WhatsApp rotates the QR about every 20 s). */
  refreshSeconds?: number;
}

/** Compares secrets in constant time (hashing first makes the lengths equal). */
export function tokensMatch(given: string, expected: string): boolean {
  const a = createHash("sha256").update(given).digest();
  const b = createHash("sha256").update(expected).digest();
  return timingSafeEqual(a, b);
}

function presentedToken(req: Request): string | undefined {
  const header = req.get("authorization");
  const bearer = header ? /^Bearer\s+(.+)$/i.exec(header)?.[1] : undefined;
  if (bearer) return bearer.trim();
  const query = req.query["token"];
  return typeof query === "string" ? query : undefined;
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** Status without the QR string (the QR links a device; it is not public). */
function publicStatus(accountId: string, status: TransportStatus) {
  const { qr: _qr, ...rest } = status;
  return { accountId, ...rest };
}

/** The QR as an SVG document, or undefined if it cannot be rendered (the page then shows the text). */
export async function renderQrSvg(qr: string): Promise<string | undefined> {
  try {
    return await QRCode.toString(qr, { type: "svg", margin: 2, errorCorrectionLevel: "M" });
  } catch {
    return undefined;
  }
}

/** `qrSvg`: the current QR rendered by renderQrSvg (generated markup, never the raw string). */
export function renderQrPage(
  accountId: string,
  status: TransportStatus,
  refreshSeconds: number,
  qrSvg?: string,
): string {
  const body =
    status.state === "ready"
      ? `<p class="ok">WhatsApp is paired and ready.</p>`
      : status.state === "qr" && status.qr
        ? `<p>Open WhatsApp on the phone → Linked devices → Link a device, and scan this code.</p>
${qrSvg ? `<div id="qr-image">${qrSvg}</div>` : "<p>The code could not be drawn here; it is shown as text below.</p>"}
<details${qrSvg ? "" : " open"}><summary>The code as text</summary>
<pre id="qr">${escapeHtml(status.qr)}</pre></details>`
        : `<p>No QR code right now (state: <b>${escapeHtml(status.state)}</b>${
            status.reason ? `, ${escapeHtml(status.reason)}` : ""
          }). This page refreshes itself.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${refreshSeconds}">
<meta name="robots" content="noindex">
<title>WhatsApp pairing · ${escapeHtml(accountId)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:1rem}.ok{color:#137333}
#qr-image svg{width:min(22rem,100%);height:auto;background:#fff}</style>
</head><body>
<h1>WhatsApp pairing · ${escapeHtml(accountId)}</h1>
<p>State: <b id="state">${escapeHtml(status.state)}</b> since ${escapeHtml(status.since)}</p>
${body}
</body></html>`;
}

export function createPairingRouter(options: PairingRouterOptions): Router {
  if (!options.adminToken) throw new Error("pairing page needs a non-empty admin token");
  const refreshSeconds = options.refreshSeconds ?? 5;
  const { transport } = options;
  const router = Router();

  router.get("/healthz", (_req, res) => {
    const status = transport.status();
    res
      .status(status.state === "ready" ? 200 : 503)
      .set("Cache-Control", "no-store")
      .json(publicStatus(transport.accountId, status));
  });

  router.get("/qr", async (req, res) => {
    const token = presentedToken(req);
    res.set("Cache-Control", "no-store");
    if (!token || !tokensMatch(token, options.adminToken)) {
      res.status(401).set("WWW-Authenticate", "Bearer").json({ error: "admin token required" });
      return;
    }
    const status = transport.status();
    const svg = status.state === "qr" && status.qr ? await renderQrSvg(status.qr) : undefined;
    res
      .status(200)
      .type("html")
      .set("Referrer-Policy", "no-referrer")
      .send(renderQrPage(transport.accountId, status, refreshSeconds, svg));
  });

  return router;
}
