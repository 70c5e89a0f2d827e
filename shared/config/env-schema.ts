// The schema of the whole environment: every variable's parser from the settings table, plus the
// rules that involve more than one variable (modes that need keys, settings that go together).
import { z } from "zod";
import { isInngestDevMode } from "./shape.js";
import { settings, type SettingName } from "./settings.js";

export const envSchema = z
  .object(
    Object.fromEntries(Object.entries(settings).map(([name, s]) => [name, s.schema])) as {
      [K in SettingName]: (typeof settings)[K]["schema"];
    },
  )
  // `when` makes these rules run even when single variables failed, so that one error lists
  // everything; values of variables that failed are then raw strings, hence the loose reading.
  .superRefine(
    (parsed, ctx) => {
      const v = parsed as Record<string, unknown>;
      const production = v.NODE_ENV === "production";
      const devMode = isInngestDevMode(v.NODE_ENV, v.INNGEST_DEV);
      const missing = (name: SettingName) => v[name] === undefined;
      if (production && devMode) {
        ctx.addIssue({
          code: "custom",
          path: ["INNGEST_DEV"],
          message: "dev mode turns off request signature checks and is not allowed with NODE_ENV=production",
        });
      }
      if (!devMode || production) {
        const why = production
          ? "required with NODE_ENV=production"
          : "required in cloud mode (INNGEST_DEV=0)";
        if (missing("INNGEST_SIGNING_KEY"))
          ctx.addIssue({ code: "custom", path: ["INNGEST_SIGNING_KEY"], message: why });
        if (missing("INNGEST_EVENT_KEY"))
          ctx.addIssue({ code: "custom", path: ["INNGEST_EVENT_KEY"], message: why });
        // Without it the SDK registers whatever Host a sync request names, and anyone who can reach
        // /api/inngest could point the engine's calls elsewhere.
        if (missing("INNGEST_SERVE_ORIGIN"))
          ctx.addIssue({
            code: "custom",
            path: ["INNGEST_SERVE_ORIGIN"],
            message: `${why}: the public origin (https://host[:port]) the engine calls back on; it is the only URL a sync registers`,
          });
      }
      if (production && missing("MONGODB_URI")) {
        ctx.addIssue({
          code: "custom",
          path: ["MONGODB_URI"],
          message: "required with NODE_ENV=production (the embedded server is a development stand-in)",
        });
      }
      if (!missing("INNGEST_SIGNING_KEY_FALLBACK") && missing("INNGEST_SIGNING_KEY")) {
        ctx.addIssue({
          code: "custom",
          path: ["INNGEST_SIGNING_KEY_FALLBACK"],
          message: "set only together with INNGEST_SIGNING_KEY",
        });
      }
    },
    { when: () => true },
  );
