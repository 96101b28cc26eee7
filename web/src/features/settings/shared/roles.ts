import type { components } from "../../../api/schema";

// The gateway's role table (services/gateway/src/parley/gateway/domain/roles.py), mirrored so
// the pages can hide what a role may not do. The gateway still decides: its 403 is shown too.

export type Role = components["schemas"]["Member"]["role"];

/** Lowest first: a role's rank is its index. */
export const ROLES: readonly Role[] = ["viewer", "agent", "editor", "admin", "owner"];

/** Highest first, as pickers list them. */
export const ROLES_DESC: readonly Role[] = [...ROLES].reverse();

const VIEWER = [
  "workspace:read",
  "flows:read",
  "executions:read",
  "channels:read",
  "members:read",
  "contacts:read",
  "campaigns:read",
  "analytics:read",
];
const AGENT = [...VIEWER, "executions:operate", "sandbox:use", "contacts:write"];
const EDITOR = [
  ...AGENT,
  "flows:write",
  "contacts:import",
  "contacts:export",
  "segments:write",
  "fields:write",
  "campaigns:write",
];
const ADMIN = [
  ...EDITOR,
  "channels:write",
  "members:write",
  "api_keys:read",
  "api_keys:write",
  "contacts:erase",
  "consent:write",
  "campaigns:launch",
];
const OWNER = [...ADMIN, "workspace:admin"];

export const PERMISSIONS: Readonly<Record<Role, readonly string[]>> = {
  viewer: VIEWER,
  agent: AGENT,
  editor: EDITOR,
  admin: ADMIN,
  owner: OWNER,
};

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

export function can(role: string | undefined, permission: string): boolean {
  return isRole(role) && PERMISSIONS[role].includes(permission);
}

export function rank(role: Role): number {
  return ROLES.indexOf(role);
}

/** Nobody grants a role above their own (so only owners grant owner). */
export function canGrant(granter: string | undefined, role: Role): boolean {
  return isRole(granter) && rank(role) <= rank(granter);
}

/** The roles a granter may hand out, highest first. */
export function grantableRoles(granter: string | undefined): Role[] {
  return ROLES_DESC.filter((role) => canGrant(granter, role));
}

/** Whether `actor` may change or remove `target` (needs members:write and a rank at least theirs). */
export function canManageMember(actor: string | undefined, target: Role): boolean {
  return can(actor, "members:write") && canGrant(actor, target);
}

/** The role whose permissions are exactly these, if any (to summarise an API key). */
export function roleWithPermissions(permissions: readonly string[]): Role | undefined {
  const wanted = new Set(permissions);
  return ROLES_DESC.find(
    (role) => PERMISSIONS[role].length === wanted.size && PERMISSIONS[role].every((p) => wanted.has(p)),
  );
}

/** Permissions grouped by resource, in table order, for the API key picker. */
export function permissionGroups(permissions: readonly string[]): { group: string; items: string[] }[] {
  const groups = new Map<string, string[]>();
  for (const permission of permissions) {
    const resource = permission.split(":")[0] ?? permission;
    groups.set(resource, [...(groups.get(resource) ?? []), permission]);
  }
  return [...groups].map(([group, items]) => ({ group, items }));
}
