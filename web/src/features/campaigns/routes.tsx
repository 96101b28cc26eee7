import type { RouteObject } from "react-router";

import { CampaignDetailPage, EditCampaignPage } from "./CampaignDetailPage";
import { CampaignsPage } from "./CampaignsPage";
import { CampaignWizard } from "./wizard/CampaignWizard";

export const campaignRoutes: RouteObject[] = [
  { path: "campaigns", element: <CampaignsPage /> },
  { path: "campaigns/new", element: <CampaignWizard /> },
  { path: "campaigns/:campaignId", element: <CampaignDetailPage /> },
  { path: "campaigns/:campaignId/edit", element: <EditCampaignPage render={(c) => <CampaignWizard key={c.campaign_id} existing={c} />} /> },
];
