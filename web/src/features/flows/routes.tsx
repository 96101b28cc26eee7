import type { RouteObject } from "react-router";

import { BuilderPage } from "./builder/BuilderPage";
import { FlowsListPage } from "./list/FlowsListPage";

export const flowRoutes: RouteObject[] = [
  { path: "flows", element: <FlowsListPage /> },
  { path: "flows/:flowId", element: <BuilderPage /> },
];
