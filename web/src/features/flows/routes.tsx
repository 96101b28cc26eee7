import type { RouteObject } from "react-router";

import { EmptyState } from "../../components/PageState";

// Placeholder until the flows pages land (H2).
export const flowRoutes: RouteObject[] = [
  { path: "flows/*", element: <EmptyState title="Flows">Coming in this release.</EmptyState> },
];
