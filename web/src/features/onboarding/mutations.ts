import { useMutation, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/problems";
import type { components } from "../../api/schema";
import type { FlowTemplate } from "../flows/templates";

// Connecting a number is settings/numbers/queries.ts's (the settings page and the tour share it).

function useRefreshSetup(workspaceId: string) {
  const queryClient = useQueryClient();
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: ["channels", workspaceId] }),
      queryClient.invalidateQueries({ queryKey: ["onboarding"] }),
      queryClient.invalidateQueries({ queryKey: ["dashboard", workspaceId] }),
    ]);
}

/** A flow from a template, created and published; a refusal names the flow's problems. */
export function useCreateFlowFromTemplate(workspaceId: string) {
  const refresh = useRefreshSetup(workspaceId);
  return useMutation({
    mutationFn: async (template: FlowTemplate) => {
      const path = { workspace_id: workspaceId };
      const created = unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/flows", {
          params: { path },
          body: { name: template.name, graph: template.definition },
        }),
      );
      if (!created.ok) throw refusal(created);
      const published = unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/flows/{flow_id}/publish", {
          params: { path: { ...path, flow_id: created.flow_id } },
          body: { note: "Published from the guided tour" },
        }),
      );
      if (!published.ok) throw refusal(published);
      return published;
    },
    onSuccess: refresh,
  });
}

function refusal(result: components["schemas"]["FlowChangeResult"]): ApiError {
  return new ApiError(422, {
    code: result.code,
    detail: result.message || "The flow could not be published",
    errors: result.problems.map((p) => ({ field: p.node_id ? `${p.node_id}.${p.field}` : p.field, rule: p.rule })),
  });
}

/** A new workspace in the same organization (the API has no rename). */
export function useCreateWorkspace() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ organizationId, name }: { organizationId: string; name: string }) =>
      unwrap(
        await api.POST("/api/v1/organizations/{organization_id}/workspaces", {
          params: { path: { organization_id: organizationId } },
          body: { name },
        }),
      ),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ["me"] }),
  });
}
