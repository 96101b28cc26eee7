import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { ApiError } from "../../api/problems";
import { request, workspacePath } from "./http";
import { anyIndexing, type DocumentInput, type KnowledgeBase, type KnowledgeDocument, type UploadFormat } from "./model";

// ai-rag's read models follow its events by a moment: a change's own answer is written into the
// cache, and lists are refreshed behind it.

export const knowledgeKeys = {
  all: (ws: string) => ["knowledge", ws] as const,
  bases: (ws: string) => ["knowledge", ws, "bases"] as const,
  base: (ws: string, kb: string) => ["knowledge", ws, "base", kb] as const,
  documents: (ws: string, kb: string) => ["knowledge", ws, "base", kb, "documents"] as const,
  document: (ws: string, kb: string, doc: string) => ["knowledge", ws, "base", kb, "document", doc] as const,
};

const POLL_MS = 1000;

export function useKnowledgeBases(ws: string) {
  return useInfiniteQuery({
    queryKey: knowledgeKeys.bases(ws),
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/knowledge-bases", {
          params: { path: { workspace_id: ws }, query: { limit: 50, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Counts of documents being indexed move: refresh while any are.
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some((kb) => kb.indexing > 0)) ? 2 * POLL_MS : false),
  });
}

export function useKnowledgeBase(ws: string, kb: string) {
  return useQuery({
    queryKey: knowledgeKeys.base(ws, kb),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/knowledge-bases/{kb_id}", { params: { path: { workspace_id: ws, kb_id: kb } } })),
    // One created a moment ago may not be in the read model yet.
    retry: (count, error) => count < 6 && (!(error instanceof ApiError) || error.status === 404 || error.status >= 500),
    retryDelay: 500,
    refetchInterval: (query) => ((query.state.data?.indexing ?? 0) > 0 ? 2 * POLL_MS : false),
  });
}

export function useDocuments(ws: string, kb: string) {
  return useInfiniteQuery({
    queryKey: knowledgeKeys.documents(ws, kb),
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/knowledge-bases/{kb_id}/documents", {
          params: { path: { workspace_id: ws, kb_id: kb }, query: { limit: 50, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => anyIndexing(p.items)) ? POLL_MS : false),
  });
}

export function useDocument(ws: string, kb: string, doc: string | null) {
  return useQuery({
    queryKey: knowledgeKeys.document(ws, kb, doc ?? ""),
    enabled: doc !== null,
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/knowledge-bases/{kb_id}/documents/{doc_id}", {
          params: { path: { workspace_id: ws, kb_id: kb, doc_id: doc ?? "" }, query: { passages: 200 } },
        }),
      ),
    refetchInterval: (query) => (query.state.data?.document.status === "indexing" ? POLL_MS : false),
  });
}

function useRefresh(ws: string) {
  const client = useQueryClient();
  return () => client.invalidateQueries({ queryKey: knowledgeKeys.all(ws) });
}

export interface BaseValues {
  name: string;
  description: string;
}

export function useCreateKnowledgeBase(ws: string) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: async (body: BaseValues) =>
      unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/knowledge-bases", { params: { path: { workspace_id: ws } }, body })),
    onSuccess: () => refresh(),
  });
}

export function useRenameKnowledgeBase(ws: string, kb: string) {
  const client = useQueryClient();
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: async (body: BaseValues) =>
      unwrap(await api.PATCH("/api/v1/workspaces/{workspace_id}/knowledge-bases/{kb_id}", { params: { path: { workspace_id: ws, kb_id: kb } }, body })),
    onSuccess: (view: KnowledgeBase) => {
      client.setQueryData(knowledgeKeys.base(ws, kb), view);
      void refresh();
    },
  });
}

export function useDeleteKnowledgeBase(ws: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (kb: string) => {
      unwrap(await api.DELETE("/api/v1/workspaces/{workspace_id}/knowledge-bases/{kb_id}", { params: { path: { workspace_id: ws, kb_id: kb } } }));
      return kb;
    },
    onSuccess: (kb) => {
      // Its own page must not refetch it (a 404 now) on the way out.
      client.removeQueries({ queryKey: knowledgeKeys.base(ws, kb) });
      void client.invalidateQueries({ queryKey: knowledgeKeys.bases(ws) });
    },
  });
}

export type DocumentContent = { kind: "json"; body: DocumentInput } | { kind: "file"; file: File; title: string; format: UploadFormat | null };

/** The upload's parts: the file, and the title and format when the form knows them (the gateway
 * otherwise tells the format from the name itself). */
export function uploadParts(content: Extract<DocumentContent, { kind: "file" }>): FormData {
  const form = new FormData();
  form.append("file", content.file, content.file.name);
  if (content.title.trim()) form.append("title", content.title.trim());
  if (content.format) form.append("format", content.format);
  return form;
}

/** Adds a document, or (with `documentId`) replaces its content, which indexes it again. */
export function useSaveDocument(ws: string, kb: string, documentId: string | null) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: async (content: DocumentContent): Promise<KnowledgeDocument> => {
      if (content.kind === "file") {
        // Multipart, not JSON: sent as the browser builds it (openapi-fetch serializes JSON).
        const one = `/knowledge-bases/${encodeURIComponent(kb)}/documents${documentId ? `/${encodeURIComponent(documentId)}` : ""}/upload`;
        return request<KnowledgeDocument>(documentId ? "PUT" : "POST", workspacePath(ws, one), uploadParts(content));
      }
      const path = { workspace_id: ws, kb_id: kb };
      return documentId
        ? unwrap(await api.PUT("/api/v1/workspaces/{workspace_id}/knowledge-bases/{kb_id}/documents/{doc_id}", { params: { path: { ...path, doc_id: documentId } }, body: content.body }))
        : unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/knowledge-bases/{kb_id}/documents", { params: { path }, body: content.body }));
    },
    onSuccess: () => refresh(),
  });
}

export function useDeleteDocument(ws: string, kb: string) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: async (doc: string) =>
      unwrap(
        await api.DELETE("/api/v1/workspaces/{workspace_id}/knowledge-bases/{kb_id}/documents/{doc_id}", {
          params: { path: { workspace_id: ws, kb_id: kb, doc_id: doc } },
        }),
      ),
    onSuccess: () => refresh(),
  });
}

export function useAsk(ws: string) {
  return useMutation({
    mutationFn: async (body: { question: string; knowledge_base_id: string }) =>
      unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/knowledge-bases/ask", { params: { path: { workspace_id: ws } }, body })),
  });
}
