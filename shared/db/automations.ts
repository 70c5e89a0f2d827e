// automations: CRM automation definitions (unique name), toggled by admins with `/automation`.
// New definitions start disabled (seeds say whether they start enabled); enabling/disabling is one atomic conditional update that records
// who and when, and reports "already enabled/disabled" (with who did it) instead of rewriting it.
import type { Collection, Db } from "mongodb";
import { z } from "zod";
import { clock } from "../clock.js";
import type { Actor } from "../domain/actor.js";
import { actorSchema } from "../domain/actor.js";
import type { AutomationDefinition, AutomationDefinitionInput } from "../domain/automations.js";
import {
  automationDefinitionSchema,
  automationNameSchema,
  triggerTypeSchema,
} from "../domain/automations.js";
import automationsSeed from "./automations-seed.json" with { type: "json" };
import type { CollectionIndexes } from "./collections.js";
import { COLLECTIONS } from "./collections.js";
import { isDuplicateKeyError } from "./errors.js";
import { newId } from "./ids.js";
import { READ_CACHE_MS, ReadCache } from "./read-cache.js";
import { parseInput } from "./validate.js";

export type AutomationDoc = AutomationDefinition & {
  _id: string;
  enabled: boolean;
  /** Who enabled it last and when (kept after a later disable, for the record). */
  enabledBy?: Actor;
  enabledAt?: Date;
  disabledBy?: Actor;
  disabledAt?: Date;
  /** +1 on every definition change; executions record the version they ran. */
  version: number;
  createdBy: Actor;
  createdAt: Date;
  /** Who changed it last (definition or enabled flag). */
  updatedBy: Actor;
  updatedAt: Date;
};

export const automationIndexes: CollectionIndexes = {
  collection: COLLECTIONS.automations,
  indexes: [
    { name: "name_unique", key: { name: 1 }, unique: true },
    { name: "enabled_trigger_type", key: { enabled: 1, "trigger.type": 1 } },
  ],
};

export type CreateAutomationResult =
  | { outcome: "created"; automation: AutomationDoc }
  | { outcome: "name_taken"; automation: AutomationDoc | null };

export type UpdateAutomationResult =
  | { outcome: "updated"; automation: AutomationDoc }
  | { outcome: "not_found" }
  /** Someone changed it since `expectedVersion` was read. */
  | { outcome: "version_conflict"; currentVersion: number };

export type SetEnabledResult =
  | { outcome: "changed"; automation: AutomationDoc }
  /** Already in the requested state: nothing was written; `automation` says who set it and when. */
  | { outcome: "already_enabled" | "already_disabled"; automation: AutomationDoc }
  | { outcome: "not_found" };

/** A definition to seed, and whether it starts enabled. */
export type SeedAutomation = AutomationDefinitionInput & { enabled?: boolean };

/** The automations created on first start (automations-seed.json), validated. */
export function defaultAutomationSeed(): (AutomationDefinition & { enabled: boolean })[] {
  return z
    .object({
      automations: z.array(automationDefinitionSchema.extend({ enabled: z.boolean().default(false) })),
    })
    .parse(automationsSeed).automations;
}

export interface AutomationsRepo {
  /**
   * Creates the definitions whose names do not exist yet (enabled as each says, default disabled);
   * never touches existing ones, so running it on every start is safe.
   */
  seedAutomations(definitions: SeedAutomation[], by: Actor): Promise<{ created: string[] }>;
  create(definition: AutomationDefinitionInput, by: Actor): Promise<CreateAutomationResult>;
  /** Replaces the definition (not the enabled flag); optional optimistic check on `expectedVersion`. */
  update(
    name: string,
    definition: AutomationDefinitionInput,
    by: Actor,
    expectedVersion?: number,
  ): Promise<UpdateAutomationResult>;
  getByName(name: string): Promise<AutomationDoc | null>;
  getById(automationId: string): Promise<AutomationDoc | null>;
  list(): Promise<AutomationDoc[]>;
  /**
   * Enabled automations of one trigger type, by name. Every trigger event asks, so the enabled set
   * is kept for READ_CACHE_MS; a change through this repository shows at once, one made by another
   * process within that time (the runner re-reads `enabled` before it evaluates and before each action).
   */
  listEnabledForTrigger(type: string): Promise<AutomationDoc[]>;
  /** Read before each action, so disabling stops a run between steps (never cached). */
  isEnabled(name: string): Promise<boolean>;
  isEnabledById(automationId: string): Promise<boolean>;
  setEnabled(name: string, enabled: boolean, by: Actor): Promise<SetEnabledResult>;
}

export function automationsRepo(db: Db): AutomationsRepo {
  const automations: Collection<AutomationDoc> = db.collection<AutomationDoc>(COLLECTIONS.automations);
  // The dispatchers of every trigger type read this on every trigger event.
  const enabledSet = new ReadCache(READ_CACHE_MS, () =>
    automations.find({ enabled: true }).sort({ name: 1 }).toArray(),
  );

  const repo: AutomationsRepo = {
    async seedAutomations(definitions, by) {
      const created: string[] = [];
      for (const { enabled = false, ...definition } of definitions) {
        const result = await repo.create(definition, by);
        if (result.outcome !== "created") continue;
        if (enabled) await repo.setEnabled(result.automation.name, true, by);
        created.push(result.automation.name);
      }
      return { created };
    },

    async create(raw, byRaw) {
      const definition = parseInput("automations.create", automationDefinitionSchema, raw);
      const by = parseInput("automations.create", actorSchema, byRaw);
      const now = clock.now();
      const automation: AutomationDoc = {
        ...definition,
        _id: newId("am"),
        enabled: false,
        version: 1,
        createdBy: by,
        createdAt: now,
        updatedBy: by,
        updatedAt: now,
      };
      try {
        await automations.insertOne(automation);
        enabledSet.clear();
        return { outcome: "created", automation };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        return { outcome: "name_taken", automation: await automations.findOne({ name: definition.name }) };
      }
    },

    async update(nameRaw, raw, byRaw, expectedVersion) {
      const name = parseInput("automations.update", automationNameSchema, nameRaw);
      const definition = parseInput("automations.update", automationDefinitionSchema, raw);
      const by = parseInput("automations.update", actorSchema, byRaw);
      const version =
        expectedVersion === undefined
          ? undefined
          : parseInput("automations.update", z.number().int().positive(), expectedVersion);
      if (definition.name !== name) throw new Error("automations.update: renaming is not supported");
      const updated = await automations.findOneAndUpdate(
        { name, ...(version === undefined ? {} : { version }) },
        {
          $set: {
            description: definition.description,
            trigger: definition.trigger,
            conditions: definition.conditions,
            actions: definition.actions,
            limits: definition.limits,
            updatedBy: by,
            updatedAt: clock.now(),
          },
          $inc: { version: 1 },
        },
        { returnDocument: "after" },
      );
      enabledSet.clear();
      if (updated) return { outcome: "updated", automation: updated };
      const current = await automations.findOne({ name }, { projection: { version: 1 } });
      return current
        ? { outcome: "version_conflict", currentVersion: current.version }
        : { outcome: "not_found" };
    },

    async getByName(nameRaw) {
      return automations.findOne({
        name: parseInput("automations.getByName", automationNameSchema, nameRaw),
      });
    },

    async list() {
      return automations.find({}).sort({ name: 1 }).toArray();
    },

    async getById(automationId) {
      return automations.findOne({
        _id: parseInput("automations.getById", z.string().min(1).max(64), automationId),
      });
    },

    async listEnabledForTrigger(typeRaw) {
      const type = parseInput("automations.listEnabledForTrigger", triggerTypeSchema, typeRaw);
      return (await enabledSet.get()).filter((a) => a.trigger.type === type);
    },

    async isEnabledById(automationId) {
      const id = parseInput("automations.isEnabledById", z.string().min(1).max(64), automationId);
      const doc = await automations.findOne({ _id: id }, { projection: { enabled: 1 } });
      return doc?.enabled === true;
    },

    async isEnabled(nameRaw) {
      const name = parseInput("automations.isEnabled", automationNameSchema, nameRaw);
      const doc = await automations.findOne({ name }, { projection: { enabled: 1 } });
      return doc?.enabled === true;
    },

    async setEnabled(nameRaw, enabledRaw, byRaw) {
      const name = parseInput("automations.setEnabled", automationNameSchema, nameRaw);
      const enabled = parseInput("automations.setEnabled", z.boolean(), enabledRaw);
      const by = parseInput("automations.setEnabled", actorSchema, byRaw);
      const now = clock.now();
      const stamp = enabled ? { enabledBy: by, enabledAt: now } : { disabledBy: by, disabledAt: now };
      const changed = await automations.findOneAndUpdate(
        { name, enabled: !enabled },
        { $set: { enabled, ...stamp, updatedBy: by, updatedAt: now } },
        { returnDocument: "after" },
      );
      enabledSet.clear();
      if (changed) return { outcome: "changed", automation: changed };
      const current = await automations.findOne({ name });
      if (!current) return { outcome: "not_found" };
      return { outcome: current.enabled ? "already_enabled" : "already_disabled", automation: current };
    },
  };
  return repo;
}
