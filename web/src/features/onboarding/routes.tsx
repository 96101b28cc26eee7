import type { RouteObject } from "react-router";

import { page } from "../../lazyPage";

export const onboardingRoutes: RouteObject[] = [
  { path: "/onboarding", lazy: page(() => import("./OnboardingPage"), (m) => m.OnboardingPage) },
];
