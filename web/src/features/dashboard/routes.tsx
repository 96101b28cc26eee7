import type { RouteObject } from "react-router";

import { EmptyState } from "../../components/PageState";

// Placeholder until the dashboard pages land (H5).
export const dashboardRoutes: RouteObject[] = [
  { path: "dashboard", element: <EmptyState title="Dashboard">Coming in this release.</EmptyState> },
];
