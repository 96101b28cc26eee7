import type { RouteObject } from "react-router";

import { EmptyState } from "../../components/PageState";

// Placeholder until the settings pages land (H5).
export const settingsRoutes: RouteObject[] = [
  { path: "settings/*", element: <EmptyState title="Settings">Coming in this release.</EmptyState> },
];
