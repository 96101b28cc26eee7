import type { RouteObject } from "react-router";

import { page } from "../../lazyPage";

export const leadRoutes: RouteObject[] = [
  { path: "leads", lazy: page(() => import("./LeadsPage"), (m) => m.LeadsPage) },
  { path: "leads/:jobId", lazy: page(() => import("./JobDetailPage"), (m) => m.JobDetailPage) },
];
