import type { RouteObject } from "react-router";

import { page } from "../../lazyPage";

export const campaignRoutes: RouteObject[] = [
  { path: "campaigns", lazy: page(() => import("./CampaignsPage"), (m) => m.CampaignsPage) },
  { path: "campaigns/new", lazy: page(() => import("./wizard/CampaignWizard"), (m) => m.CampaignWizard) },
  {
    path: "campaigns/:campaignId",
    lazy: page(() => import("./CampaignDetailPage"), (m) => m.CampaignDetailPage),
  },
  {
    path: "campaigns/:campaignId/edit",
    lazy: page(() => import("./EditCampaignRoute"), (m) => m.EditCampaignRoute),
  },
];
