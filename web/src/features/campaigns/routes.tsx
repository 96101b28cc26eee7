import type { RouteObject } from "react-router";

import { EmptyState } from "../../components/PageState";

// Placeholder until the campaigns pages land (H4).
export const campaignRoutes: RouteObject[] = [
  { path: "campaigns/*", element: <EmptyState title="Campaigns">Coming in this release.</EmptyState> },
];
