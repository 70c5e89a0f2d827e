// Public entry: start the embedded MongoDB-compatible server in this process.
import { MongoWireServer } from "./server.js";

export interface EmbeddedMongo {
  uri: string;
  port: number;
  stop(): Promise<void>;
}

export async function startEmbeddedMongo(opts?: {
  port?: number;
  host?: string;
  dataDir?: string;
  quiet?: boolean;
}): Promise<EmbeddedMongo> {
  const host = opts?.host ?? "127.0.0.1";
  const server = new MongoWireServer({ port: opts?.port ?? 0, host, dataDir: opts?.dataDir });
  const port = await server.start();
  const uriHost = host.includes(":") ? `[${host}]` : host;
  const uri = `mongodb://${uriHost}:${port}/`;
  if (!opts?.quiet) {
    const where = opts?.dataDir ? `data in ${opts.dataDir}` : "in memory";
    console.log(
      `[embedded-mongo] ${uri} (${where}): a development stand-in for MongoDB, not a database for production.`,
    );
  }
  return { uri, port, stop: () => server.stop() };
}
