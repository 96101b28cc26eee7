import { can } from "../features/settings/shared/roles";
import { useRoleTable } from "../features/settings/shared/useRoleTable";
import { useRole } from "./workspace";

export type May = (permission: string) => boolean;

/** Whether the signed-in user's role in the workspace holds a permission, by the gateway's own
 * role table (`GET /api/v1/roles`); no while it loads. Pages hide what a role may not do with
 * it; the gateway still decides. */
export function usePermissions(workspaceId: string): May {
  const role = useRole(workspaceId);
  const table = useRoleTable();
  return (permission) => can(table.data, role, permission);
}
