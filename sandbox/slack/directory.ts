// Who and what exists in the simulated workspace: its team, the bot, three people with different roles,
// and the channels the product uses. Ids are fixed, so a restart on the same database finds its history
// and configured role lists stay valid.

export type SandboxRole = "admin" | "approver";

export interface SandboxSlackUser {
  id: string;
  name: string;
  roles: SandboxRole[];
}

export type ChannelKey = "approvals" | "handoff" | "ops" | "sales";

export interface SandboxChannel {
  id: string;
  name: string;
}

export const TEAM = { id: "T0SANDBOX", domain: "sandbox-workspace", name: "Sandbox Workspace" } as const;
export const APP_ID = "A0SANDBOX";
export const BOT = { userId: "U0SANDBOT", botId: "B0SANDBOT", name: "salesbot" } as const;
/** Slack's deprecated verification token, still sent in every payload. */
export const VERIFICATION_TOKEN = "sandbox-verification-token";
export const WORKSPACE_URL = `https://${TEAM.domain}.slack.com/`;

export const USERS = {
  admin: { id: "U0SANDADMIN", name: "ada.admin", roles: ["admin", "approver"] },
  approver: { id: "U0SANDAPPROVER", name: "april.approver", roles: ["approver"] },
  member: { id: "U0SANDMEMBER", name: "max.member", roles: [] },
} as const satisfies Record<string, SandboxSlackUser>;

export const CHANNEL_IDS: Record<ChannelKey, string> = {
  approvals: "C0APPROVALS",
  handoff: "C0HANDOFF",
  ops: "C0OPS",
  sales: "C0SALES",
};

export const CHANNEL_KEYS: ChannelKey[] = ["approvals", "handoff", "ops", "sales"];

/** The direct-message channel between a person and the bot (where slash commands run by default). */
export function dmChannelId(userId: string): string {
  return `D${userId.slice(1)}`;
}

export function userList(): SandboxSlackUser[] {
  return Object.values(USERS).map((u) => ({ id: u.id, name: u.name, roles: [...u.roles] }));
}

export function findUser(id: string): SandboxSlackUser | undefined {
  return userList().find((u) => u.id === id);
}
