import type { RouteObject } from "react-router";

import { page } from "../../lazyPage";

export const dashboardRoutes: RouteObject[] = [
  { path: "dashboard", lazy: page(() => import("./DashboardPage"), (m) => m.DashboardPage) },
];
