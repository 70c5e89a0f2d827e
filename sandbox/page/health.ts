// GET /healthz of the sandbox page: ready once every part a person plays with is up. Each check is
// asked on every call (a part that stopped answering shows up as missing at once).

export interface HealthChecks {
  /** MongoDB answers a ping. */
  mongo: () => Promise<boolean>;
  /** The local engine answers. */
  engine: () => Promise<boolean>;
  /** Both apps (worker, web) synced with the engine. */
  apps: () => { worker: boolean; web: boolean };
  /** The WhatsApp gateway is connected to the simulated phones. */
  gateway: () => boolean;
}

export interface HealthReport {
  ok: boolean;
  mongo: boolean;
  engine: boolean;
  apps: { worker: boolean; web: boolean };
  gateway: boolean;
  missing: string[];
}

async function safely(check: () => Promise<boolean>): Promise<boolean> {
  try {
    return await check();
  } catch {
    return false;
  }
}

export async function checkHealth(checks: HealthChecks): Promise<HealthReport> {
  const [mongo, engine] = await Promise.all([safely(checks.mongo), safely(checks.engine)]);
  const apps = checks.apps();
  const gateway = checks.gateway();
  const missing = [
    ...(mongo ? [] : ["mongo"]),
    ...(engine ? [] : ["engine"]),
    ...(apps.worker ? [] : ["worker app (not synced)"]),
    ...(apps.web ? [] : ["web app (not synced)"]),
    ...(gateway ? [] : ["gateway"]),
  ];
  return { ok: missing.length === 0, mongo, engine, apps, gateway, missing };
}
