import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { buildFilter, hasConditions, type ContactFilters } from "./filters";
import type { Contact, ContactChangeResult } from "./model";

// The CRM reads these pages share. crm's read models may lag a change by a moment, so a change's
// own answer (which carries the contact as it now is) is written into the cache straight away.

export const keys = {
  contacts: (ws: string) => ["contacts", ws] as const,
  contact: (ws: string, id: string) => ["contacts", ws, "one", id] as const,
  fields: (ws: string) => ["fields", ws] as const,
  segments: (ws: string) => ["segments", ws] as const,
  imports: (ws: string) => ["imports", ws] as const,
};

export function useContactList(ws: string, filters: ContactFilters, segmentId: string) {
  return useInfiniteQuery({
    queryKey: [...keys.contacts(ws), "list", filters, segmentId],
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/contacts/search", {
          params: { path: { workspace_id: ws } },
          body: {
            // The API takes a saved segment or a filter, not both.
            filter: !segmentId && hasConditions(filters) ? buildFilter(filters) : null,
            segment_id: segmentId,
            search: filters.search.trim(),
            order: "created_desc",
            limit: 25,
            cursor: pageParam,
            with_total: pageParam === "",
          },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

export function useContact(ws: string, contactId: string) {
  return useQuery({
    queryKey: keys.contact(ws, contactId),
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}", {
          params: { path: { workspace_id: ws, contact_id: contactId } },
        }),
      ),
  });
}

export function useFields(ws: string) {
  return useQuery({
    queryKey: keys.fields(ws),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/fields", { params: { path: { workspace_id: ws } } })).fields,
  });
}

export function useSegments(ws: string) {
  return useInfiniteQuery({
    queryKey: keys.segments(ws),
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/segments", {
          params: { path: { workspace_id: ws }, query: { limit: 50, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** After a contact change: show its answer at once, and refresh the lists behind it. */
export function useContactChanged(ws: string) {
  const client = useQueryClient();
  return (result: ContactChangeResult) => {
    if (result.contact) client.setQueryData<Contact>(keys.contact(ws, result.contact_id), result.contact);
    void client.invalidateQueries({ queryKey: [...keys.contacts(ws), "list"] });
  };
}
