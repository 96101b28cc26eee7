import type { components } from "../../../api/schema";

// Which permissions each role holds is the gateway's (GET /api/v1/roles, from its domain/roles.py),
// fetched by useRoleTable, so the pages hide what a role may not do without a copy that drifts.
// The gateway still decides: its 403 is shown too. The role names, labels and descriptions here
// are presentation only. Every helper denies while the table is not loaded (`undefined`).

export type Role = components["schemas"]["Member"]["role"];

/** The gateway's role table, lowest role first. */
export type RoleTable = readonly components["schemas"]["RoleEntry"][];

/** Lowest first, as the legend's names; ranks and permissions come from the RoleTable. */
export const ROLES: readonly Role[] = ["viewer", "agent", "editor", "admin", "owner"];

/** Highest first, as the legend lists them. */
export const ROLES_DESC: readonly Role[] = [...ROLES].reverse();

export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  owner: "Owner",
  admin: "Admin",
  editor: "Editor",
  agent: "Agent",
  viewer: "Viewer",
};

export const ROLE_DESCRIPTIONS: Readonly<Record<Role, string>> = {
  owner: "Everything an admin can do, plus administering the workspace itself. Only owners make other owners; a workspace always keeps one.",
  admin: "Connects WhatsApp numbers, manages members and API keys, launches campaigns, erases contact data and edits STOP keywords.",
  editor: "Builds and publishes flows, imports and exports contacts, shapes segments and fields, prepares campaigns.",
  agent: "Takes over conversations, uses the sandbox phone and edits the contacts they talk to.",
  viewer: "Reads everything (flows, contacts, campaigns, numbers, dashboard) and changes nothing.",
};

export function isRole(value: string | undefined): value is Role {
  return value !== undefined && (ROLES as readonly string[]).includes(value);
}

function entryOf(table: RoleTable | undefined, role: string | undefined) {
  return role === undefined ? undefined : table?.find((entry) => entry.role === role);
}

/** The permissions a role holds, none if the role or the table is unknown. */
export function permissionsOf(table: RoleTable | undefined, role: string | undefined): readonly string[] {
  return entryOf(table, role)?.permissions ?? [];
}

export function can(table: RoleTable | undefined, role: string | undefined, permission: string): boolean {
  return permissionsOf(table, role).includes(permission);
}

/** Nobody grants a role above their own (so only owners grant owner). */
export function canGrant(table: RoleTable | undefined, granter: string | undefined, role: Role): boolean {
  const mine = entryOf(table, granter);
  const theirs = entryOf(table, role);
  return mine !== undefined && theirs !== undefined && theirs.rank <= mine.rank;
}

/** The roles a granter may hand out, highest first. */
export function grantableRoles(table: RoleTable | undefined, granter: string | undefined): Role[] {
  return [...(table ?? [])]
    .sort((a, b) => b.rank - a.rank)
    .map((entry) => entry.role)
    .filter((role) => canGrant(table, granter, role));
}

/** Whether `actor` may change or remove `target` (needs members:write and a rank at least theirs). */
export function canManageMember(table: RoleTable | undefined, actor: string | undefined, target: Role): boolean {
  return can(table, actor, "members:write") && canGrant(table, actor, target);
}

/** The highest role whose permissions are exactly these, if any (to summarise an API key). */
export function roleWithPermissions(table: RoleTable | undefined, permissions: readonly string[]): Role | undefined {
  const wanted = new Set(permissions);
  return [...(table ?? [])]
    .sort((a, b) => b.rank - a.rank)
    .find((entry) => entry.permissions.length === wanted.size && entry.permissions.every((p) => wanted.has(p)))?.role;
}

/** Permissions grouped by resource, in the order given, for the API key picker. */
export function permissionGroups(permissions: readonly string[]): { group: string; items: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const permission of permissions) {
    const resource = permission.split(":")[0] ?? permission;
    groups.set(resource, [...(groups.get(resource) ?? []), permission]);
  }
  return [...groups].map(([group, items]) => ({ group, items }));
}
