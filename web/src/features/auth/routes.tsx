import type { RouteObject } from "react-router";

import { page } from "../../lazyPage";

export const authRoutes: RouteObject[] = [
  { path: "/login", lazy: page(() => import("./LoginPage"), (m) => m.LoginPage) },
  { path: "/signup", lazy: page(() => import("./SignupPage"), (m) => m.SignupPage) },
];
