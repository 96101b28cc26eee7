import { describe, expect, it } from "vitest";

import {
  can,
  canGrant,
  canManageMember,
  grantableRoles,
  isRole,
  PERMISSIONS,
  permissionGroups,
  ROLES,
  roleWithPermissions,
} from "./roles";

describe("the role table", () => {
  it("gives each role every permission of the roles below it", () => {
    for (let i = 1; i < ROLES.length; i++) {
      const lower = PERMISSIONS[ROLES[i - 1]!];
      const higher = PERMISSIONS[ROLES[i]!];
      expect(lower.every((p) => higher.includes(p))).toBe(true);
      expect(higher.length).toBeGreaterThan(lower.length);
    }
  });

  it("lets only admins and owners write channels, members and API keys", () => {
    for (const permission of ["channels:write", "members:write", "api_keys:write", "api_keys:read"]) {
      expect(ROLES.filter((role) => can(role, permission))).toEqual(["admin", "owner"]);
    }
    expect(can("viewer", "channels:read")).toBe(true);
    expect(can(undefined, "channels:read")).toBe(false);
    expect(can("superuser", "channels:read")).toBe(false);
  });

  it("never grants a role above the granter's own", () => {
    expect(grantableRoles("owner")).toEqual(["owner", "admin", "editor", "agent", "viewer"]);
    expect(grantableRoles("admin")).toEqual(["admin", "editor", "agent", "viewer"]);
    expect(grantableRoles("viewer")).toEqual(["viewer"]);
    expect(grantableRoles(undefined)).toEqual([]);
    expect(canGrant("admin", "owner")).toBe(false);
  });

  it("lets a member manage only members at or below their rank, with members:write", () => {
    expect(canManageMember("admin", "editor")).toBe(true);
    expect(canManageMember("admin", "admin")).toBe(true);
    expect(canManageMember("admin", "owner")).toBe(false);
    expect(canManageMember("editor", "viewer")).toBe(false);
  });

  it("names the role an API key's permissions match", () => {
    expect(roleWithPermissions([...PERMISSIONS.editor].reverse())).toBe("editor");
    expect(roleWithPermissions(["flows:read"])).toBeUndefined();
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
