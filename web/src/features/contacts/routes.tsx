import type { RouteObject } from "react-router";

import { EmptyState } from "../../components/PageState";

// Placeholder until the contacts pages land (H4).
export const contactRoutes: RouteObject[] = [
  { path: "contacts/*", element: <EmptyState title="Contacts">Coming in this release.</EmptyState> },
];
