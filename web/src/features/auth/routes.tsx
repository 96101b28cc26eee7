import type { RouteObject } from "react-router";

import { EmptyState } from "../../components/PageState";

// Placeholder until the auth pages land (H5).
export const authRoutes: RouteObject[] = [
  { path: "/login", element: <EmptyState title="Sign in">Coming in this release.</EmptyState> },
];
