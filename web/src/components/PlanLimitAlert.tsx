import { Alert, Anchor, Stack, Text } from "@mantine/core";
import { IconLock } from "@tabler/icons-react";
import { Link, useParams } from "react-router";

import { planRefusal } from "../api/problems";

// A refusal of the workspace's plan (402 PLAN_LIMIT_REACHED or PLAN_FEATURE_MISSING) where it
// bites: the gateway's sentence (what is used, on which plan, which plan lifts it) and a way to
// the plans. Every page that shows an action's error routes a plan's refusal through it.

/** The billing page of the current workspace, or the app's redirect to it outside one. */
export function usePlansHref(): string {
  const { workspaceId } = useParams();
  return workspaceId ? `/w/${workspaceId}/settings/billing` : "/settings/billing";
}

export function PlanLimitAlert({ error, title, mt }: { error: unknown; title?: string; mt?: string }) {
  const href = usePlansHref();
  const refused = planRefusal(error);
  if (!refused) return null;
  const heading =
    title ?? (refused.code === "PLAN_FEATURE_MISSING" ? "Not included in your plan" : "Your plan's limit is reached");
  return (
    <Alert color="yellow" icon={<IconLock />} title={heading} role="alert" data-testid="plan-limit" mt={mt}>
      <Stack gap={4} align="flex-start">
        <Text size="sm">{refused.message}</Text>
        <Anchor component={Link} to={href} size="sm" fw={600}>
          {refused.upgrade ? `See plans (${refused.upgrade} lifts it)` : "See plans"}
        </Anchor>
      </Stack>
    </Alert>
  );
}

/** Just the link, for lists that name a plan's problem among others (the campaign dry run). */
export function SeePlansLink({ inheritColor = false }: { inheritColor?: boolean }) {
  const href = usePlansHref();
  return (
    <Anchor component={Link} to={href} size="sm" fw={600} c={inheritColor ? "inherit" : undefined}>
      See plans
    </Anchor>
  );
}
