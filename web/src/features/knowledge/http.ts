import { authFetch } from "../../api/client";
import { ApiError, type ProblemBody } from "../../api/problems";

// Requests for the workspace's own resources as the session. JSON goes as JSON; a FormData
// (an upload) goes as multipart, with the browser choosing the boundary.

export function workspacePath(workspaceId: string, path: string): string {
  return `/api/v1/workspaces/${encodeURIComponent(workspaceId)}${path}`;
}

export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { "Content-Type": "application/json" };
  }
  const response = await authFetch(new Request(url, init));
  const parsed: unknown = response.status === 204 ? undefined : await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, parsed as ProblemBody | undefined);
  return parsed as T;
}
