// The worker's pairing page and health check. `/qr` shows the pairing QR to an admin (token in
// `Authorization: Bearer <token>` or `?token=`); `/healthz` answers 503 until WhatsApp is ready.
// No QR library is installed, so the page shows the raw QR string: copy it into a QR renderer you
// trust offline (e.g. `npx qrcode-terminal "<string>"` on an admin machine), or add a QR library.
import { createHash, timingSafeEqual } from "node:crypto";
import { Router, type Request } from "express";
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

export function renderQrPage(accountId: string, status: TransportStatus, refreshSeconds: number): string {
  const body =
    status.state === "ready"
      ? `<p class="ok">WhatsApp is paired and ready.</p>`
      : status.state === "qr" && status.qr
        ? `<p>Open WhatsApp on the phone → Linked devices → Link a device, and scan this code.</p>
<p>No QR renderer is installed on this server: the code is shown as text. Render it with an offline QR tool you trust.</p>
<pre id="qr">${escapeHtml(status.qr)}</pre>`
        : `<p>No QR code right now (state: <b>${escapeHtml(status.state)}</b>${
            status.reason ? `, ${escapeHtml(status.reason)}` : ""
          }). This page refreshes itself.</p>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${refreshSeconds}">
<meta name="robots" content="noindex">
<title>WhatsApp pairing · ${escapeHtml(accountId)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
pre{white-space:pre-wrap;word-break:break-all;background:#f4f4f4;padding:1rem}.ok{color:#137333}</style>
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

  router.get("/qr", (req, res) => {
    const token = presentedToken(req);
    res.set("Cache-Control", "no-store");
    if (!token || !tokensMatch(token, options.adminToken)) {
      res.status(401).set("WWW-Authenticate", "Bearer").json({ error: "admin token required" });
      return;
    }
    res
      .status(200)
      .type("html")
      .set("Referrer-Policy", "no-referrer")
      .send(renderQrPage(transport.accountId, transport.status(), refreshSeconds));
  });

  return router;
}
