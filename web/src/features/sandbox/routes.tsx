import type { RouteObject } from "react-router";

import { SandboxPage } from "./SandboxPage";

export const sandboxRoutes: RouteObject[] = [{ path: "sandbox", element: <SandboxPage /> }];
