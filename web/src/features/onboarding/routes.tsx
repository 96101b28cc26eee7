import type { RouteObject } from "react-router";

import { OnboardingPage } from "./OnboardingPage";

export const onboardingRoutes: RouteObject[] = [{ path: "/onboarding", element: <OnboardingPage /> }];
