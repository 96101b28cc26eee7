import type { RouteObject } from "react-router";

import { page } from "../../lazyPage";

export const flowRoutes: RouteObject[] = [
  { path: "flows", lazy: page(() => import("./list/FlowsListPage"), (m) => m.FlowsListPage) },
  { path: "flows/:flowId", lazy: page(() => import("./builder/BuilderPage"), (m) => m.BuilderPage) },
];
