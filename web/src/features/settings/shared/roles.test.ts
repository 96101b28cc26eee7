import { describe, expect, it } from "vitest";

import {
  can,
  canGrant,
  canManageMember,
  grantableRoles,
  isRole,
  permissionGroups,
  permissionsOf,
  roleWithPermissions,
  type RoleTable,
} from "./roles";

// Shaped like GET /api/v1/roles; a smaller table than the gateway's, as the helpers only read it.
const VIEWER = ["channels:read", "members:read"];
const AGENT = [...VIEWER, "sandbox:use"];
const EDITOR = [...AGENT, "flows:write"];
const ADMIN = [...EDITOR, "channels:write", "members:write"];
const TABLE: RoleTable = [
  { role: "viewer", rank: 0, permissions: VIEWER },
  { role: "agent", rank: 1, permissions: AGENT },
  { role: "editor", rank: 2, permissions: EDITOR },
  { role: "admin", rank: 3, permissions: ADMIN },
  { role: "owner", rank: 4, permissions: [...ADMIN, "workspace:admin"] },
];

describe("the role table from the gateway", () => {
  it("answers what a role may do from the table", () => {
    expect(TABLE.filter((entry) => can(TABLE, entry.role, "channels:write")).map((e) => e.role)).toEqual([
      "admin",
      "owner",
    ]);
    expect(can(TABLE, "viewer", "channels:read")).toBe(true);
    expect(permissionsOf(TABLE, "agent")).toEqual(AGENT);
  });

  it("denies an unknown role, no role, and everything until the table is loaded", () => {
    expect(can(TABLE, undefined, "channels:read")).toBe(false);
    expect(can(TABLE, "superuser", "channels:read")).toBe(false);
    expect(can(undefined, "owner", "channels:read")).toBe(false);
    expect(permissionsOf(undefined, "owner")).toEqual([]);
    expect(grantableRoles(undefined, "owner")).toEqual([]);
    expect(roleWithPermissions(undefined, VIEWER)).toBeUndefined();
  });

  it("never grants a role above the granter's own, by the table's ranks", () => {
    expect(grantableRoles(TABLE, "owner")).toEqual(["owner", "admin", "editor", "agent", "viewer"]);
    expect(grantableRoles(TABLE, "admin")).toEqual(["admin", "editor", "agent", "viewer"]);
    expect(grantableRoles(TABLE, "viewer")).toEqual(["viewer"]);
    expect(grantableRoles(TABLE, undefined)).toEqual([]);
    expect(canGrant(TABLE, "admin", "owner")).toBe(false);
    expect(grantableRoles([...TABLE].reverse(), "editor")).toEqual(["editor", "agent", "viewer"]);
  });

  it("lets a member manage only members at or below their rank, with members:write", () => {
    expect(canManageMember(TABLE, "admin", "editor")).toBe(true);
    expect(canManageMember(TABLE, "admin", "admin")).toBe(true);
    expect(canManageMember(TABLE, "admin", "owner")).toBe(false);
    expect(canManageMember(TABLE, "editor", "viewer")).toBe(false);
  });

  it("names the role an API key's permissions match", () => {
    expect(roleWithPermissions(TABLE, [...EDITOR].reverse())).toBe("editor");
    expect(roleWithPermissions(TABLE, ["flows:write"])).toBeUndefined();
  });

  it("recognises role names and groups permissions by resource", () => {
    expect(isRole("agent")).toBe(true);
    expect(isRole("root")).toBe(false);
    expect(permissionGroups(["flows:read", "flows:write", "contacts:read"])).toEqual([
      { group: "flows", items: ["flows:read", "flows:write"] },
      { group: "contacts", items: ["contacts:read"] },
    ]);
  });
});
