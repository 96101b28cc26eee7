import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";

export const billingKeys = {
  page: (workspaceId: string) => ["billing", workspaceId] as const,
  invoices: (workspaceId: string) => ["billing-invoices", workspaceId] as const,
};

/** The workspace's plan, status, usage and the catalog. One cache entry for the page and the
 * app's usage banner; `refetchInterval` is the caller's (a minute for the banner, faster while
 * a payment is being confirmed). */
export function useBilling(workspaceId: string, options: { refetchInterval?: number | false; enabled?: boolean } = {}) {
  return useQuery({
    queryKey: billingKeys.page(workspaceId),
    queryFn: async () =>
      unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/billing", { params: { path: { workspace_id: workspaceId } } })),
    refetchInterval: options.refetchInterval ?? false,
    enabled: options.enabled ?? true,
    staleTime: 30_000,
  });
}

export const INVOICE_PAGE = 12;

export function useInvoices(workspaceId: string, enabled: boolean) {
  return useInfiniteQuery({
    queryKey: billingKeys.invoices(workspaceId),
    enabled,
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/billing/invoices", {
          params: { path: { workspace_id: workspaceId }, query: { limit: INVOICE_PAGE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
}

/** Where Stripe sends the person back to (`/settings/billing`, outside any workspace) cannot say
 * which workspace paid: the app remembers it, and the plan it left, for the return. */
const PENDING_KEY = "parley.checkout";

export interface PendingCheckout {
  workspaceId: string;
  fromPlan: string;
  toPlan: string;
  at: number;
}

export function rememberCheckout(pending: PendingCheckout): void {
  try {
    sessionStorage.setItem(PENDING_KEY, JSON.stringify(pending));
  } catch {
    // Private modes may refuse storage: the return then polls without knowing the old plan.
  }
}

export function pendingCheckout(): PendingCheckout | null {
  try {
    const raw = sessionStorage.getItem(PENDING_KEY);
    const value = raw ? (JSON.parse(raw) as Partial<PendingCheckout>) : null;
    if (!value || typeof value.workspaceId !== "string" || typeof value.fromPlan !== "string") return null;
    return { workspaceId: value.workspaceId, fromPlan: value.fromPlan, toPlan: String(value.toPlan ?? ""), at: Number(value.at ?? 0) };
  } catch {
    return null;
  }
}

export function forgetCheckout(): void {
  try {
    sessionStorage.removeItem(PENDING_KEY);
  } catch {
    // nothing kept, nothing to forget
  }
}

/** Stripe Checkout for a plan: the browser goes to the answered URL. */
export function useCheckout(workspaceId: string) {
  return useMutation({
    mutationFn: async (plan: string) =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/billing/checkout", {
          params: { path: { workspace_id: workspaceId } },
          body: { plan },
        }),
      ),
  });
}

/** Stripe's billing portal (card, plan changes, cancelling). */
export function usePortal(workspaceId: string) {
  return useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/billing/portal", {
          params: { path: { workspace_id: workspaceId } },
        }),
      ),
  });
}
