import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { ApiError } from "../../api/problems";
import { request, workspacePath } from "./http";
import { anyIndexing, type AskReply, type DocumentFormat, type FaqPair, type KnowledgeBase, type KnowledgeDocument, type Passage } from "./model";

// ai-rag's read models follow its events by a moment: a change's own answer is written into the
// cache, and lists are refreshed behind it.

export const knowledgeKeys = {
  all: (ws: string) => ["knowledge", ws] as const,
  bases: (ws: string) => ["knowledge", ws, "bases"] as const,
  base: (ws: string, kb: string) => ["knowledge", ws, "base", kb] as const,
  documents: (ws: string, kb: string) => ["knowledge", ws, "base", kb, "documents"] as const,
  document: (ws: string, kb: string, doc: string) => ["knowledge", ws, "base", kb, "document", doc] as const,
};

interface Page<T> {
  items: T[];
  next_cursor?: string | null;
}

const base = (ws: string, kb = "") => workspacePath(ws, kb ? `/knowledge-bases/${encodeURIComponent(kb)}` : "/knowledge-bases");

export function useKnowledgeBases(ws: string) {
  return useInfiniteQuery({
    queryKey: knowledgeKeys.bases(ws),
    initialPageParam: "",
    queryFn: ({ pageParam }) => request<Page<KnowledgeBase>>("GET", `${base(ws)}?${new URLSearchParams({ limit: "50", cursor: pageParam })}`),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Counts of documents being indexed move: refresh while any are.
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some((kb) => (kb.indexing ?? 0) > 0)) ? 2000 : false),
  });
}

export function useKnowledgeBase(ws: string, kb: string) {
  return useQuery({
    queryKey: knowledgeKeys.base(ws, kb),
    queryFn: () => request<KnowledgeBase>("GET", base(ws, kb)),
    // One created a moment ago may not be in the read model yet.
    retry: (count, error) => count < 6 && (!(error instanceof ApiError) || error.status === 404 || error.status >= 500),
    retryDelay: 500,
  });
}

export function useDocuments(ws: string, kb: string) {
  return useInfiniteQuery({
    queryKey: knowledgeKeys.documents(ws, kb),
    initialPageParam: "",
    queryFn: ({ pageParam }) => request<Page<KnowledgeDocument>>("GET", `${base(ws, kb)}/documents?${new URLSearchParams({ limit: "50", cursor: pageParam })}`),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    refetchInterval: (query) => (query.state.data?.pages.some((p) => anyIndexing(p.items)) ? 1000 : false),
  });
}

export function useDocument(ws: string, kb: string, doc: string | null) {
  return useQuery({
    queryKey: knowledgeKeys.document(ws, kb, doc ?? ""),
    enabled: doc !== null,
    queryFn: () => request<{ document: KnowledgeDocument; passages: Passage[] }>("GET", `${base(ws, kb)}/documents/${encodeURIComponent(doc ?? "")}`),
    refetchInterval: (query) => (query.state.data?.document.status === "indexing" ? 1000 : false),
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
    mutationFn: (body: BaseValues) => request<KnowledgeBase>("POST", base(ws), body),
    onSuccess: () => refresh(),
  });
}

export function useRenameKnowledgeBase(ws: string, kb: string) {
  const client = useQueryClient();
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: (body: BaseValues) => request<KnowledgeBase>("PATCH", base(ws, kb), body),
    onSuccess: (view) => {
      if (view?.knowledge_base_id) client.setQueryData(knowledgeKeys.base(ws, kb), view);
      void refresh();
    },
  });
}

export function useDeleteKnowledgeBase(ws: string) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: (kb: string) => request<unknown>("DELETE", base(ws, kb)),
    onSuccess: () => refresh(),
  });
}

/** A document's content as the JSON routes take it (uploads go as multipart instead). */
export interface DocumentBody {
  format: Exclude<DocumentFormat, "pdf">;
  title?: string;
  text?: string;
  url?: string;
  faq?: FaqPair[];
}

export type DocumentContent = { kind: "json"; body: DocumentBody } | { kind: "file"; file: File; title: string };

function multipart(file: File, title: string): FormData {
  const form = new FormData();
  form.append("file", file, file.name);
  if (title.trim()) form.append("title", title.trim());
  return form;
}

/** Adds a document, or (with `documentId`) replaces its content, which indexes it again. */
export function useSaveDocument(ws: string, kb: string, documentId: string | null) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: (content: DocumentContent) => {
      const one = `${base(ws, kb)}/documents${documentId ? `/${encodeURIComponent(documentId)}` : ""}`;
      if (content.kind === "file") return request<unknown>(documentId ? "PUT" : "POST", `${one}/upload`, multipart(content.file, content.title));
      return request<unknown>(documentId ? "PUT" : "POST", one, content.body);
    },
    onSuccess: () => refresh(),
  });
}

export function useDeleteDocument(ws: string, kb: string) {
  const refresh = useRefresh(ws);
  return useMutation({
    mutationFn: (doc: string) => request<unknown>("DELETE", `${base(ws, kb)}/documents/${encodeURIComponent(doc)}`),
    onSuccess: () => refresh(),
  });
}

export function useAsk(ws: string) {
  return useMutation({
    mutationFn: (body: { question: string; knowledge_base_id?: string }) => request<AskReply>("POST", `${base(ws)}/ask`, body),
  });
}
