import { EditCampaignPage } from "./CampaignDetailPage";
import { CampaignWizard } from "./wizard/CampaignWizard";

/** `campaigns/:campaignId/edit`: the wizard, opened on the saved draft. */
export function EditCampaignRoute() {
  return <EditCampaignPage render={(c) => <CampaignWizard key={c.campaign_id} existing={c} />} />;
}
