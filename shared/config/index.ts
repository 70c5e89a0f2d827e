// Every setting of the product, read from the environment (and `.env` when present), validated by one
// zod schema built from one settings table. Defaults make the sandbox (`npm start`) work with no
// variables at all. A bad value stops startup with one ConfigError that names every bad variable and
// why, and never echoes a secret.
export { formatDuration, parseDuration } from "../duration.js";
export { renderConfigTable, renderEnvExample } from "./docs.js";
export { ConfigError, loadConfig, readEnvFile, type ConfigProblem } from "./load.js";
export type { BusinessHours } from "./parsers.js";
export { REDACTED, redactConfig, secretConfigFields, secretSettings } from "./redact.js";
export { DEFAULT_DEV_INNGEST_URL, type Config, type LogLevel, type NodeEnv } from "./shape.js";
export { settings, type Env, type SettingName } from "./settings.js";
