import type { RouteObject } from "react-router";

import { page } from "../../lazyPage";

export const sandboxRoutes: RouteObject[] = [
  { path: "sandbox", lazy: page(() => import("./SandboxPage"), (m) => m.SandboxPage) },
];
