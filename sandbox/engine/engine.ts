import { Admission } from "./admission.js";
import type { NewRun } from "./admission.js";
import type { Effect } from "./apply-outcome.js";
import { applyCheckpoint, applyOutcome, finish, resolveItem } from "./apply-outcome.js";
import { canonicalJson } from "./canonical-json.js";
import { EngineClock } from "./clock.js";
import type { ClockState } from "./clock.js";
import { CronSchedule } from "./cron-schedule.js";
import { eventMatters, routeEvent } from "./event-router.js";
import { callFunction } from "./executor-client.js";
import type { Op } from "./outcome.js";
import { ConcurrencyGate, flowKeys, timeoutDeadline } from "./flow-control.js";
import { ulid } from "./ids.js";
import type { RegisteredApp, SyncBody } from "./registration.js";
import { functionUrl, maxAttempts } from "./registration.js";
import type { FunctionEntry } from "./registry.js";
import { Registry } from "./registry.js";
import { buildRequest, normalizeError, pickDue } from "./request.js";
import { RunTable } from "./run-table.js";
import type { RunView } from "./run-view.js";
import { toRunView } from "./run-view.js";
import { deliverSignal, resolveSignalConflict } from "./signals.js";
import type { EngineStore, RunQuery } from "./store/store.js";
import type { CallItem, EngineEvent, Run, WorkItem } from "./types.js";
import { deriveStatus, isCall } from "./types.js";

// The scheduler: drives due work items of active runs with HTTP calls to the apps (each transition
// written through to the store first), takes events in one at a time, fires crons and timeouts,
// and tells callers when everything that is due has settled.

const DAY_MS = 86_400_000;
/** How often (in engine time) the event log drops events older than the 24h id window. */
const PRUNE_EVERY_MS = 3_600_000;

export interface EngineOptions {
  store: EngineStore;
  signingKey?: string;
  /** How many runs may be driven (have a call in flight) at once. */
  maxParallelRuns?: number;
  /**
   * Let the SDK run a function's steps back to back within one call, reporting each step to
   * `/v1/checkpoint/:runId/async` as it ends (default true). Off: one call per step.
   */
  checkpointing?: boolean;
  /**
   * Told the clock's new state after every advance, before anything that came due is run: a
   * product in another process moves its clock along (see sandbox/engine-process.ts).
   */
  onClockMoved?: (state: ClockState) => Promise<void> | void;
  log?: (msg: string) => void;
  /** Call no app and fire nothing until release() (see LocalEngineOptions.held). */
  held?: boolean;
}

export interface IncomingEvent {
  name: string;
  data?: Record<string, unknown>;
  id?: string;
  ts?: number;
  [key: string]: unknown;
}

interface PendingIngest {
  events: IncomingEvent[];
  resolve(ids: string[]): void;
  reject(err: unknown): void;
}

export class Engine {
  readonly registry = new Registry();
  private readonly store: EngineStore;
  private readonly signingKey: string | undefined;
  private readonly maxParallel: number;
  private readonly checkpointing: boolean;
  private readonly onClockMoved: EngineOptions["onClockMoved"];
  private readonly log: (msg: string) => void;
  private clock!: EngineClock;
  private readonly runs: RunTable;
  private readonly crons: CronSchedule;
  private readonly admission: Admission;
  private driving = new Set<string>();
  /** Runs with a call in flight, and that call's queue-item id (what its checkpoints name). */
  private calling = new Map<string, string>();
  private gate = new ConcurrencyGate();
  private intake: Promise<unknown> = Promise.resolve();
  /** Sends waiting for the intake, taken together by the next turn (see ingest). */
  private ingestQueue: PendingIngest[] = [];
  private ingestScheduled = false;
  private intakePending = 0;
  private timer: NodeJS.Timeout | undefined;
  private kicked = false;
  private stopped = false;
  private held: boolean;
  private lastClockSave = 0;
  private lastPruneAt = -Infinity;

  private constructor(opts: EngineOptions) {
    this.store = opts.store;
    this.signingKey = opts.signingKey;
    this.maxParallel = opts.maxParallelRuns ?? 64;
    this.checkpointing = opts.checkpointing ?? true;
    this.onClockMoved = opts.onClockMoved;
    this.log = opts.log ?? (() => {});
    this.held = opts.held ?? false;
    this.runs = new RunTable(opts.store, (id) => this.calling.has(id));
    this.crons = new CronSchedule(opts.store, this.registry);
    this.admission = new Admission({
      store: opts.store,
      runs: this.runs,
      now: () => this.nowMs(),
      cancelRun: (id) => this.cancelRun(id),
      createRun: (entry, event, o) => this.createRun(entry, event, o),
    });
  }

  static async open(opts: EngineOptions): Promise<Engine> {
    const engine = new Engine(opts);
    engine.clock = new EngineClock(await opts.store.getMeta<ClockState>("clock"));
    await opts.store.setMeta("clock", engine.clock.state());
    engine.registry.load(await opts.store.listApps());
    await engine.crons.load();
    await engine.runs.load();
    engine.kick();
    return engine;
  }

  // ---- time -------------------------------------------------------------------------------------

  nowMs(): number {
    return this.clock.nowMs();
  }

  /** The clock's offset from real time and its last reading (what a mirror of it needs). */
  clockState(): ClockState {
    return this.clock.state();
  }

  /**
   * Moves the clock forward, fires what became due and waits (max `settleMs`) until everything
   * settles. `fired` counts only runs (and cron ticks) whose work came due because of this move:
   * due after the old now and at or before the new one, not already due or in flight. `settled`
   * is false when the wait ran out first.
   */
  /** Whether the clock may move by `ms` (bounded, so it always stays a valid date). */
  canAdvance(ms: number): boolean {
    return this.clock.canAdvance(ms);
  }

  async advance(ms: number, settleMs = 10_000): Promise<{ now: string; fired: number; settled: boolean }> {
    const before = this.clock.nowMs();
    const now = this.clock.advance(ms);
    await this.store.setMeta("clock", this.clock.state());
    await this.onClockMoved?.(this.clock.state());
    const becameDue = (r: Run) =>
      !this.driving.has(r.id) &&
      !r.items.some((i) => i.dueAt <= before) &&
      r.items.some((i) => i.dueAt > before && i.dueAt <= now);
    const fired = this.runs.list().filter(becameDue).length + this.crons.dueBetween(before, now);
    this.kick();
    const settled = await this.settle(settleMs);
    return { now: new Date(this.clock.nowMs()).toISOString(), fired, settled };
  }

  /** Resolves once nothing is due or in flight (or after `timeoutMs`); true when settled. */
  async settle(timeoutMs = 10_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    await new Promise((r) => setImmediate(r)); // let a pending kick dispatch first
    while (Date.now() < deadline) {
      await this.intake;
      const idle = this.intakePending === 0 && this.driving.size === 0;
      if (idle && !this.hasRunnableDue(this.clock.nowMs())) return true;
      await new Promise((r) => setTimeout(r, 10));
    }
    return false;
  }

  // ---- apps, events, signals --------------------------------------------------------------------

  async registerApp(body: SyncBody): Promise<RegisteredApp> {
    const app = this.registry.fromSync(body, this.clock.nowMs());
    await this.store.saveApp(app);
    this.log(`synced app ${app.id} (${app.functions.length} functions) from ${app.url}`);
    this.kick();
    return app;
  }

  /**
   * Records events (idempotent by id for 24h of engine time) and starts, resumes or cancels runs.
   * Sends that arrive while the intake is busy are taken together: one id look-up for all of them,
   * their log writes in one bulk write; each answer still waits for its own events to be logged.
   */
  ingest(events: IncomingEvent[]): Promise<string[]> {
    return new Promise<string[]>((resolve, reject) => {
      this.ingestQueue.push({ events, resolve, reject });
      if (this.ingestScheduled) return;
      this.ingestScheduled = true;
      void this.serial(async () => {
        this.ingestScheduled = false;
        await this.ingestBatch(this.ingestQueue.splice(0));
      });
    });
  }

  private async ingestBatch(batch: PendingIngest[]): Promise<void> {
    const received = batch.map(({ events }) =>
      events.map((raw) => {
        const now = this.clock.nowMs();
        const event: EngineEvent = {
          ...raw,
          name: raw.name,
          data: raw.data ?? {},
          id: raw.id && raw.id.length > 0 ? raw.id : ulid(now),
          ts: typeof raw.ts === "number" && raw.ts > 0 ? raw.ts : now,
        };
        return { event, now };
      }),
    );
    const ids = [...new Set(received.flat().map(({ event }) => event.id))];
    let seen: Set<string>;
    try {
      // one look-up for the whole batch; a repeated id inside the batch counts as seen too
      seen = await this.store.seenEvents(ids, this.clock.nowMs() - DAY_MS);
    } catch (err) {
      for (const pending of batch) pending.reject(err);
      return;
    }
    // routed one sender after the other, in arrival order; each answer waits for its own log writes
    const answered: Promise<void>[] = [];
    for (const [i, pending] of batch.entries()) {
      const logged: Promise<void>[] = [];
      try {
        for (const { event, now } of received[i]!) {
          if (seen.has(event.id)) continue; // duplicate id: dropped
          seen.add(event.id);
          await routeEvent(event, {
            runs: this.runs,
            registry: this.registry,
            now: () => this.nowMs(),
            cancelRun: (id) => this.cancelRun(id),
            admit: (entry, e) => this.admission.admit(entry, e),
          });
          // logged after its runs exist: a crash in between makes the sender's retry start them
          // again (at least once) instead of dropping the retry as a duplicate (never). The log
          // write overlaps routing the next event.
          logged.push(this.store.recordEvent(event, now));
        }
      } catch (err) {
        void Promise.allSettled(logged);
        pending.reject(err);
        continue;
      }
      const ids = received[i]!.map(({ event }) => event.id);
      answered.push(Promise.all(logged).then(() => pending.resolve(ids), pending.reject));
    }
    await Promise.all(answered);
    await this.pruneEventLog().catch((err: unknown) =>
      this.log(`event log prune: ${(err as Error).message}`),
    );
    this.kick();
  }

  /** Now and then (engine time) drops events older than the 24h id window, so the log stays small. */
  private async pruneEventLog(): Promise<void> {
    const now = this.clock.nowMs();
    if (now - this.lastPruneAt < PRUNE_EVERY_MS) return;
    this.lastPruneAt = now;
    const pruned = await this.store.pruneEvents(now - DAY_MS);
    if (pruned > 0) this.log(`pruned ${pruned} events older than 24h from the event log`);
  }

  /** inngest.sendSignal: the id of the run it woke, or undefined when no run waits for it. */
  sendSignal(signal: string, data: unknown): Promise<string | undefined> {
    return this.serial(async () => {
      const runId = await deliverSignal(this.runs, signal, data, this.clock.nowMs());
      this.kick();
      return runId;
    });
  }

  /** Event intake, crons and signals go one at a time, so flow-control decisions never race. */
  private serial<T>(fn: () => Promise<T>): Promise<T> {
    this.intakePending++;
    const next = this.intake.then(fn, fn);
    this.intake = next.catch((err: unknown) => this.log(`intake error: ${(err as Error).message}`));
    return next.finally(() => {
      this.intakePending--;
    });
  }

  private async createRun(
    entry: FunctionEntry,
    event: EngineEvent,
    opts: Partial<NewRun> & { id?: string; parent?: Run["parent"] },
  ): Promise<Run> {
    const now = this.clock.nowMs();
    const run: Run = {
      id: opts.id ?? ulid(now),
      appId: entry.app.id,
      functionId: entry.fn.id,
      status: "queued",
      event,
      events: [event],
      memo: {},
      stack: [],
      steps: [],
      items: [{ kind: "discover", dueAt: opts.dueAt ?? now, attempt: 0 }],
      disableImmediate: false,
      keys: opts.keys ?? flowKeys(entry.fn, event),
      createdAt: now,
      updatedAt: now,
      ...(opts.notStarted ? { notStarted: true } : {}),
      ...(opts.debounceFirstAt !== undefined ? { debounceFirstAt: opts.debounceFirstAt } : {}),
      ...(opts.parent ? { parent: opts.parent } : {}),
    };
    await this.runs.add(run);
    this.kick();
    return run;
  }

  async cancelRun(runId: string): Promise<boolean> {
    return this.transition(runId, (r) => finish(r, "cancelled", {}, this.clock.nowMs()));
  }

  /**
   * Changes an active run (written through to the store) and then does what follows from it.
   * False when the run is no longer active.
   */
  private async transition(runId: string, change: (run: Run) => Effect[]): Promise<boolean> {
    let changed: Run | undefined;
    const effects = await this.runs.mutate(runId, (r) => {
      changed = r;
      return change(r);
    });
    if (!effects || !changed) return false;
    await this.handleEffects(changed, effects);
    return true;
  }

  // ---- scheduling -------------------------------------------------------------------------------

  /** Starts calling apps and firing what is due (an engine opened held waits for this). */
  release(): void {
    if (!this.held) return;
    this.held = false;
    this.kick();
  }

  kick(): void {
    if (this.kicked || this.stopped || this.held) return;
    this.kicked = true;
    setImmediate(() => {
      this.kicked = false;
      this.tick();
    });
  }

  /** Starts drivers for due runs, fires crons and run timeouts, and sleeps until the next due time. */
  private tick(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const now = this.clock.nowMs();
    let next = Math.min(now + 1000, Math.max(this.crons.earliest() ?? Infinity, now + 5));
    if (this.crons.isDue(now))
      void this.serial(() => this.crons.fire(this.nowMs(), (e, ev) => this.admission.admit(e, ev)));
    for (const run of this.runs.list()) {
      const deadline = this.deadlineOf(run);
      if (deadline !== undefined && deadline <= now) {
        void this.cancelRun(run.id);
        continue;
      }
      if (deadline !== undefined) next = Math.min(next, deadline);
      if (this.driving.has(run.id)) continue;
      for (const item of run.items) {
        if (item.dueAt > now) next = Math.min(next, item.dueAt);
        else if (this.driving.size < this.maxParallel && this.runnable(run, item)) {
          void this.drive(run.id);
          break;
        } else next = Math.min(next, now + 50);
      }
    }
    if (Date.now() - this.lastClockSave > 5000) {
      this.lastClockSave = Date.now();
      void this.store.setMeta("clock", this.clock.state()).catch(() => {});
    }
    this.timer = setTimeout(() => this.tick(), Math.max(5, Math.min(next - now, 1000)));
    this.timer.unref?.();
  }

  private runnable(run: Run, item: WorkItem): boolean {
    return !isCall(item) || this.gate.canAcquire(run.keys.concurrency);
  }

  private deadlineOf(run: Run): number | undefined {
    const fn = this.registry.get(run.functionId)?.fn;
    return fn?.timeouts ? timeoutDeadline(fn, run) : undefined;
  }

  private hasRunnableDue(now: number): boolean {
    if (this.crons.isDue(now)) return true;
    for (const run of this.runs.list()) {
      if ((this.deadlineOf(run) ?? Infinity) <= now) return true;
      if (run.items.some((i) => i.dueAt <= now && this.runnable(run, i))) return true;
    }
    return false;
  }

  /** Handles a run's due items one after the other until none is due (one call in flight per run). */
  private async drive(runId: string): Promise<void> {
    if (this.driving.has(runId)) return;
    this.driving.add(runId);
    try {
      while (!this.stopped) {
        const run = this.runs.get(runId);
        const item = run && pickDue(run, this.clock.nowMs());
        if (!run || !item) break;
        if (!isCall(item)) await this.fireTimer(runId, item);
        else if (!(await this.runCall(run, item))) break;
      }
    } catch (err) {
      this.log(`run ${runId}: ${(err as Error).stack ?? String(err)}`);
    } finally {
      this.driving.delete(runId);
      this.kick();
    }
  }

  /** One HTTP call for a due call item. False when the run must wait (concurrency) or is gone. */
  private async runCall(run: Run, item: CallItem): Promise<boolean> {
    const entry = this.registry.get(run.functionId);
    if (!entry) {
      const error = { name: "Error", message: `function ${run.functionId} is not registered` };
      await this.transition(run.id, (r) => finish(r, "failed", { error }, this.clock.nowMs()));
      return true;
    }
    const keys = run.keys.concurrency;
    if (!this.gate.tryAcquire(keys)) return false;
    const attempts = maxAttempts(entry.fn);
    try {
      // each call its own queue-item id: a checkpoint naming another call is stale (409)
      const queueItemId = ulid(this.clock.nowMs());
      this.calling.set(run.id, queueItemId);
      // mark running (in memory: nothing to recover) and snapshot the request while the run is locked
      const body = await this.runs.touch(run.id, (r) => {
        const now = this.clock.nowMs();
        delete r.notStarted;
        r.startedAt ??= now;
        const step = item.kind === "execute" ? r.steps.find((s) => s.hash === item.hash) : undefined;
        if (step) {
          step.status = "running";
          step.startedAt ??= now;
        }
        const checkpoint = this.checkpointing ? { fnId: r.functionId, queueItemId } : undefined;
        return canonicalJson(buildRequest(r, item, attempts, checkpoint));
      });
      if (body === undefined) return false;
      const url = functionUrl(entry.fn, item.kind === "execute" ? item.hash : "step");
      const outcome = await callFunction({
        url,
        body,
        ...(this.signingKey ? { signingKey: this.signingKey } : {}),
      });
      this.calling.delete(run.id);
      await this.transition(run.id, (r) =>
        // the item is gone if the run was cancelled or resolved meanwhile: drop the answer
        r.items.includes(item)
          ? applyOutcome(r, item, outcome, { nowMs: this.clock.nowMs(), maxAttempts: attempts })
          : [],
      );
      return true;
    } finally {
      this.calling.delete(run.id);
      this.gate.release(keys);
    }
  }

  /**
   * Steps the SDK ran within a call that is still in flight (async checkpointing), written through
   * before the answer, so an acknowledged step survives a crash like one returned in a 206.
   * "stale" when that call is no longer the run's current one (the run was cancelled or finished,
   * or the call was given up): the SDK then stops running steps for it.
   */
  async checkpoint(runId: string, queueItemId: string, ops: Op[]): Promise<"ok" | "stale"> {
    if (this.calling.get(runId) !== queueItemId) return "stale";
    let current = false;
    const ok = await this.transition(runId, (r) => {
      current = this.calling.get(runId) === queueItemId;
      return current ? applyCheckpoint(r, ops, this.clock.nowMs()) : [];
    });
    return ok && current ? "ok" : "stale";
  }

  /** A sleep ended, or a wait / invoke / signal timed out. */
  private async fireTimer(runId: string, item: WorkItem): Promise<void> {
    await this.runs.mutate(runId, (r) => {
      if (!r.items.includes(item)) return;
      const timedOut = {
        name: "InngestInvokeTimeoutError",
        message: "Timed out waiting for invoked function to complete",
      };
      resolveItem(r, item, item.kind === "invoke" ? { error: timedOut } : null, this.clock.nowMs());
    });
  }

  /** `run` is the run as just written (a finished run has already left the active table). */
  private async handleEffects(run: Run, effects: Effect[]): Promise<void> {
    for (const effect of effects) {
      if (effect.type === "invoke") await this.startChild(run.id, effect);
      else if (effect.type === "signal-wait") {
        await resolveSignalConflict(this.runs, run.id, effect, this.clock.nowMs());
        this.kick();
      } else await this.afterFinish(run);
    }
  }

  /** step.invoke: a child run with event `inngest/function.invoked` whose result resumes the parent. */
  private async startChild(parentId: string, effect: Extract<Effect, { type: "invoke" }>): Promise<void> {
    const parent = this.runs.get(parentId);
    if (!parent) return;
    const entry = this.registry.get(effect.functionId);
    if (!entry) {
      const message = `invoked function ${effect.functionId} is not registered`;
      await this.resolveInvoke(parentId, effect.childRunId, { error: { name: "Error", message } });
      return;
    }
    const now = this.clock.nowMs();
    const data = typeof effect.data === "object" && effect.data !== null ? effect.data : {};
    const source = { source_app_id: parent.appId, source_fn_id: parent.functionId, source_run_id: parent.id };
    const event: EngineEvent = {
      name: "inngest/function.invoked",
      data: { ...data, _inngest: source },
      id: ulid(now),
      ts: now,
    };
    await this.createRun(entry, event, {
      id: effect.childRunId,
      parent: { runId: parentId, hash: effect.hash },
    });
  }

  private async resolveInvoke(parentId: string, childRunId: string, value: unknown): Promise<void> {
    await this.runs.mutate(parentId, (p) => {
      const item = p.items.find((i) => i.kind === "invoke" && i.childRunId === childRunId);
      if (item) resolveItem(p, item, value, this.clock.nowMs());
    });
    this.kick();
  }

  /** A run ended: resume its parent (invoke) and announce failures for onFailure handlers. */
  private async afterFinish(run: Run): Promise<void> {
    if (run.parent) {
      const why = run.status === "cancelled" ? "The invoked run was cancelled" : "The invoked run failed";
      const value =
        run.status === "completed" ? { data: run.output ?? null } : { error: normalizeError(run.error, why) };
      await this.resolveInvoke(run.parent.runId, run.id, value);
    }
    if (run.status === "failed") {
      const error = normalizeError(run.error, "Function failed");
      const data = { function_id: run.functionId, run_id: run.id, error, event: run.event };
      this.announce({ name: "inngest/function.failed", data });
    }
    // As Inngest does for every run that ends; only sent when it would start, resume or cancel a
    // run (a trigger's `if` included), so runs nobody watches cost nothing more.
    if ((run.status === "completed" || run.status === "failed") && this.watchesFinished()) {
      const data = {
        function_id: run.functionId,
        run_id: run.id,
        event: run.event,
        ...(run.status === "completed"
          ? { result: run.output ?? null }
          : { error: normalizeError(run.error, "Function failed") }),
      };
      const finished = { name: "inngest/function.finished", data, id: "", ts: this.nowMs() };
      if (eventMatters(finished, { runs: this.runs, registry: this.registry })) {
        this.announce({ name: finished.name, data });
      }
    }
  }

  /** Sends one of the engine's own events; a store that stays unreachable is logged, never thrown. */
  private announce(event: IncomingEvent): void {
    this.ingest([event]).catch((err: unknown) =>
      this.log(`could not record ${event.name}: ${(err as Error).message}`),
    );
  }

  private watchesFinished(): boolean {
    return this.registry
      .all()
      .some((entry) => entry.fn.triggers.some((t) => t.event === "inngest/function.finished"));
  }

  // ---- inspection and shutdown ------------------------------------------------------------------

  /** Runs as stored, except that a run with a call in flight shows as running (kept in memory only). */
  async listRuns(query: RunQuery): Promise<RunView[]> {
    // "running" lives in memory: filter (and then limit) after the live status is applied
    const wantsRunning = query.status === "running";
    const { limit, ...rest } = query;
    const stored = await this.store.listRuns(
      wantsRunning ? { ...rest, status: undefined, activeOnly: true } : query,
    );
    const views = stored.map((r) => toRunView(this.withLiveStatus(r)));
    const matching = query.status ? views.filter((v) => v.status === query.status) : views;
    return wantsRunning && limit ? matching.slice(-limit) : matching;
  }

  async getRun(id: string): Promise<RunView | undefined> {
    const run = await this.store.getRun(id);
    return run ? toRunView(this.withLiveStatus(run)) : undefined;
  }

  private withLiveStatus(stored: Run): Run {
    if (this.calling.has(stored.id)) {
      const live = this.runs.get(stored.id);
      if (live && live.status === "running") return live;
    }
    // stored while a call was in flight (e.g. before a restart): say what it waits for now
    if (stored.status === "running") return { ...stored, status: deriveStatus(stored, false) };
    return stored;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const deadline = Date.now() + 5000;
    while ((this.driving.size > 0 || this.intakePending > 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    await this.store.setMeta("clock", this.clock.state()).catch(() => {});
  }
}
