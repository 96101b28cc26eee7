import type { RouteObject } from "react-router";

import { page } from "../../lazyPage";

export const knowledgeRoutes: RouteObject[] = [
  { path: "knowledge", lazy: page(() => import("./KnowledgePage"), (m) => m.KnowledgePage) },
  {
    path: "knowledge/:knowledgeBaseId",
    lazy: page(() => import("./KnowledgeBasePage"), (m) => m.KnowledgeBasePage),
  },
];
