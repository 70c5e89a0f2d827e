import { z } from "zod";

// Command-line flags of the standalone engine. Defaults come from the validated config
// (INNGEST_ENGINE_PORT, INNGEST_ENGINE_HOST, INNGEST_ENGINE_DATA_DIR); flags override them.
export interface CliOptions {
  port: number;
  host: string;
  dataDir: string;
  appUrls: string[];
  quiet: boolean;
}

export type CliDefaults = Pick<CliOptions, "port" | "host" | "dataDir">;

const portSchema = z.coerce.number().int().min(0).max(65535);

export function parseCliArgs(argv: string[], defaults: CliDefaults): CliOptions {
  const opts: CliOptions = { ...defaults, appUrls: [], quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? "";
    const [flag, inline] = arg.includes("=")
      ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
      : [arg, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case "--port":
      case "-p": {
        const parsed = portSchema.safeParse(value());
        if (!parsed.success) throw new Error(`${flag} must be a port number (0-65535)`);
        opts.port = parsed.data;
        break;
      }
      case "--host":
        opts.host = value();
        break;
      case "--data-dir":
        opts.dataDir = value();
        break;
      case "--app-url":
      case "-u": {
        const parsed = z.url().safeParse(value());
        if (!parsed.success) throw new Error(`${flag} must be a URL`);
        opts.appUrls.push(parsed.data);
        break;
      }
      case "--quiet":
        opts.quiet = true;
        break;
      default:
        throw new Error(`unknown option ${arg}`);
    }
  }
  return opts;
}

export const USAGE = `usage: engine [--port 8288] [--host 127.0.0.1] [--data-dir .data/engine] [--app-url URL]... [--quiet]
  Defaults come from INNGEST_ENGINE_PORT, INNGEST_ENGINE_HOST, INNGEST_ENGINE_DATA_DIR (environment or .env).
  State is kept in MONGODB_URI if set, else in an embedded MongoDB-compatible server under --data-dir.
  INNGEST_SIGNING_KEY signs calls to apps and is required on /fn/register; INNGEST_EVENT_KEY (optional)
  is required on POST /e/:key.`;
