import type { FunctionConfig, RegisteredApp, SyncBody } from "./registration.js";

// Apps and their functions, indexed by the composite function id "<appId>-<fnId>".
export interface FunctionEntry {
  app: RegisteredApp;
  fn: FunctionConfig;
}

export class Registry {
  private apps = new Map<string, RegisteredApp>();
  private fns = new Map<string, FunctionEntry>();

  load(apps: RegisteredApp[]): void {
    for (const app of apps) this.put(app);
  }

  fromSync(body: SyncBody, nowMs: number): RegisteredApp {
    const app: RegisteredApp = {
      id: body.appName,
      url: body.url,
      functions: body.functions,
      syncedAt: nowMs,
    };
    this.put(app);
    return app;
  }

  private put(app: RegisteredApp): void {
    const previous = this.apps.get(app.id);
    if (previous) for (const fn of previous.functions) this.fns.delete(fn.id);
    this.apps.set(app.id, app);
    for (const fn of app.functions) this.fns.set(fn.id, { app, fn });
  }

  get(functionId: string): FunctionEntry | undefined {
    return this.fns.get(functionId);
  }

  all(): FunctionEntry[] {
    return [...this.fns.values()];
  }

  listApps(): RegisteredApp[] {
    return [...this.apps.values()];
  }
}

/** Does a trigger's event name (possibly "app/*") cover this event name? */
export function eventNameMatches(pattern: string, name: string): boolean {
  if (pattern === name) return true;
  if (pattern.endsWith("*")) return name.startsWith(pattern.slice(0, -1));
  return false;
}
