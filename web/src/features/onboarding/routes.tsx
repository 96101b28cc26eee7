import type { RouteObject } from "react-router";

import { EmptyState } from "../../components/PageState";

// Placeholder until the onboarding pages land (H5).
export const onboardingRoutes: RouteObject[] = [
  { path: "/onboarding", element: <EmptyState title="Onboarding">Coming in this release.</EmptyState> },
];
