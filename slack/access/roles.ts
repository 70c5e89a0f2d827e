// Who may do what in Slack, from config: approvers decide orders, admins run admin commands and may
// decide orders too. Slack cannot hide a command or a button from anyone, so every listener asks here.
import type { Config } from "../../shared/config/index.js";

export interface SlackRoles {
  adminUserIds: readonly string[];
  approverUserIds: readonly string[];
}

export function rolesFromConfig(config: Pick<Config, "slack">): SlackRoles {
  return { adminUserIds: config.slack.adminUserIds, approverUserIds: config.slack.approverUserIds };
}

export function isAdmin(roles: SlackRoles, userId: string): boolean {
  return roles.adminUserIds.includes(userId);
}

/** Approve/reject orders, `/orders`, `/bot`. */
export function canDecideOrders(roles: SlackRoles, userId: string): boolean {
  return isAdmin(roles, userId) || roles.approverUserIds.includes(userId);
}

/** Everyone who may decide, for a reminder that mentions them (admins after approvers, no repeats). */
export function deciders(roles: SlackRoles): string[] {
  return [...new Set([...roles.approverUserIds, ...roles.adminUserIds])];
}
