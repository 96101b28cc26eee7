import { Badge, Progress, Tooltip } from "@mantine/core";

import { EMPTY_STATS, STATUS_COLORS, type Campaign, type CampaignStats } from "./model";
import { campaignProgress } from "./progress";

export function StatusBadge({ status }: { status: Campaign["status"] }) {
  return (
    <Badge color={STATUS_COLORS[status]} variant="light">
      {status}
    </Badge>
  );
}

/** The stacked bar of what happened to the targeted recipients. */
export function StatsBar({ stats = EMPTY_STATS, size = "md", label }: { stats?: CampaignStats; size?: string; label: string }) {
  const progress = campaignProgress(stats);
  return (
    <Progress.Root size={size} aria-label={label}>
      {progress.sections.map((s) => (
        <Tooltip key={s.key} label={`${s.label}: ${s.value} (${s.percent}%)`}>
          <Progress.Section value={s.percent} color={s.color} aria-label={`${s.label} ${s.value}`} />
        </Tooltip>
      ))}
    </Progress.Root>
  );
}
