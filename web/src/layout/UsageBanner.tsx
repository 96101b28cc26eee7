import { Alert, Anchor, Text } from "@mantine/core";
import { IconGauge } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useLocation } from "react-router";

import { bannerBar, bannerText } from "../features/settings/billing/format";
import { useBilling } from "../features/settings/billing/queries";
import { usePermissions } from "../state/permissions";

// A month's allowance nearly used up stops messages and AI answers mid-campaign, so the shell
// says so on every page from 80 %. Dismissed, it stays away for the browser session, until
// the figure climbs past the next threshold (100 %).
const DISMISSED = "parley.usage-banner.dismissed";

function dismissedKeys(): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(DISMISSED) ?? "[]") as string[];
  } catch {
    return [];
  }
}

export function UsageBanner({ workspaceId }: { workspaceId: string }) {
  const billing = useBilling(workspaceId, { refetchInterval: 60_000 });
  const may = usePermissions(workspaceId);
  const { pathname } = useLocation();
  const [dismissed, setDismissed] = useState(dismissedKeys);
  const bar = billing.data ? bannerBar(billing.data.usage) : null;
  const href = `/w/${workspaceId}/settings/billing`;
  if (!bar || pathname.startsWith(href)) return null;
  const key = `${workspaceId}:${bar.metric}:${(bar.percent ?? 0) >= 100 ? 100 : 80}:${billing.data?.period.start ?? ""}`;
  if (dismissed.includes(key)) return null;

  function dismiss() {
    const next = [...dismissed, key];
    setDismissed(next);
    try {
      sessionStorage.setItem(DISMISSED, JSON.stringify(next));
    } catch {
      // kept for this page only
    }
  }

  return (
    <Alert
      color={(bar.percent ?? 0) >= 100 ? "red" : "yellow"}
      icon={<IconGauge />}
      mb="md"
      withCloseButton
      closeButtonLabel="Dismiss"
      onClose={dismiss}
      data-testid="usage-banner"
    >
      <Text size="sm">
        {bannerText(bar)} —{" "}
        <Anchor component={Link} to={href} size="sm" fw={600}>
          {may("billing:manage") ? "Upgrade" : "See plans"}
        </Anchor>
      </Text>
    </Alert>
  );
}
