import type { components } from "../../api/schema";

type S = components["schemas"];
export type Campaign = S["CampaignView"];
export type CampaignStats = S["CampaignStats"];
export type CampaignStatus = Campaign["status"];
export type CampaignDefinition = S["CampaignDefinition-Input"];
export type DryRunReport = S["DryRunReport"];
export type CampaignProblem = S["CampaignProblem"];
export type Channel = S["ChannelView"];

export const STATUS_COLORS: Record<CampaignStatus, string> = {
  draft: "gray",
  scheduled: "violet",
  running: "blue",
  paused: "yellow",
  completed: "teal",
  cancelled: "red",
};

export const EMPTY_STATS: CampaignStats = {
  targeted: 0,
  excluded_without_opt_in: 0,
  excluded_opted_out: 0,
  sent: 0,
  delivered: 0,
  read: 0,
  replied: 0,
  failed: 0,
  limited_by_meta: 0,
  opted_out: 0,
  pending: 0,
};
