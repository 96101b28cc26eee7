import type { RouteObject } from "react-router";

import { EmptyState } from "../../components/PageState";

// Placeholder until the sandbox pages land (H3).
export const sandboxRoutes: RouteObject[] = [
  { path: "sandbox", element: <EmptyState title="Sandbox phone">Coming in this release.</EmptyState> },
];
