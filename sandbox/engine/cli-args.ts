import { z } from "zod";

// Command-line flags of the standalone engine.
export interface CliOptions {
  port: number;
  host: string;
  dataDir: string;
  appUrls: string[];
  quiet: boolean;
}

const portSchema = z.coerce.number().int().min(0).max(65535);

export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliOptions {
  const opts: CliOptions = {
    port: portSchema.parse(env["INNGEST_ENGINE_PORT"] ?? 8288),
    host: env["INNGEST_ENGINE_HOST"] ?? "127.0.0.1",
    dataDir: env["INNGEST_ENGINE_DATA_DIR"] ?? ".data/engine",
    appUrls: [],
    quiet: false,
  };
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
      case "-p":
        opts.port = portSchema.parse(value());
        break;
      case "--host":
        opts.host = value();
        break;
      case "--data-dir":
        opts.dataDir = value();
        break;
      case "--app-url":
      case "-u":
        opts.appUrls.push(z.string().url().parse(value()));
        break;
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
  State is kept in MONGODB_URI if set, else in an embedded MongoDB-compatible server under --data-dir.
  INNGEST_SIGNING_KEY signs calls to apps; INNGEST_EVENT_KEY (optional) is required on POST /e/:key.`;
