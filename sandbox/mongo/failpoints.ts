// The `failCommand` fail point that drivers' conformance tests use to provoke errors and dropped
// connections (mongod offers it with enableTestCommands; this stand-in always does).
import { MongoCommandError } from "./errors.js";
import { isPlainObject, type Doc } from "./types.js";

export interface FailAction {
  closeConnection: boolean;
  blockTimeMS: number;
  reply: Doc | null;
  /** Added to the real reply after the command ran. */
  writeConcernError: Doc | null;
}

interface FailCommandConfig {
  commands: Set<string>;
  remaining: number; // Infinity for alwaysOn
  skip: number;
  data: Doc;
}

export class FailPoints {
  private failCommand: FailCommandConfig | null = null;

  configure(cmd: Doc): Doc {
    const name = cmd["configureFailPoint"];
    if (name !== "failCommand")
      throw new MongoCommandError("BadValue", `Unknown fail point: ${String(name)}`);
    const mode = cmd["mode"];
    const data = isPlainObject(cmd["data"]) ? cmd["data"] : {};
    if (mode === "off") {
      this.failCommand = null;
      return {};
    }
    let remaining = Infinity;
    let skip = 0;
    if (isPlainObject(mode)) {
      if (typeof mode["times"] === "number") remaining = mode["times"];
      if (typeof mode["skip"] === "number") skip = mode["skip"];
    } else if (mode !== "alwaysOn") {
      throw new MongoCommandError("BadValue", "mode must be 'off', 'alwaysOn' or {times|skip: n}");
    }
    const commands = Array.isArray(data["failCommands"]) ? data["failCommands"].map(String) : [];
    this.failCommand = { commands: new Set(commands), remaining, skip, data };
    return {};
  }

  /** The action to take instead of (or before) running `commandName`, if the fail point triggers. */
  check(commandName: string, appName: string | undefined): FailAction | null {
    const fp = this.failCommand;
    if (!fp || !fp.commands.has(commandName)) return null;
    if (typeof fp.data["appName"] === "string" && fp.data["appName"] !== appName) return null;
    if (fp.skip > 0) {
      fp.skip--;
      return null;
    }
    fp.remaining--;
    if (fp.remaining <= 0) this.failCommand = null;
    const data = fp.data;
    let reply: Doc | null = null;
    if (typeof data["errorCode"] === "number") {
      reply = { ok: 0, code: data["errorCode"], errmsg: "Failing command via 'failCommand' failpoint" };
      if (Array.isArray(data["errorLabels"])) reply["errorLabels"] = data["errorLabels"];
    }
    return {
      closeConnection: data["closeConnection"] === true,
      blockTimeMS:
        data["blockConnection"] === true && typeof data["blockTimeMS"] === "number" ? data["blockTimeMS"] : 0,
      reply,
      writeConcernError: isPlainObject(data["writeConcernError"]) ? data["writeConcernError"] : null,
    };
  }
}
