import { Anchor, Stack, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";

import { describeError, planRefusal } from "../api/problems";

/** An action's error as a notification; a plan's refusal says so and links to the plans.
 * Notifications render outside the router, so the link is a plain one (`plansHref` is
 * `usePlansHref()` of the page that acted). */
export function notifyError(title: string, error: unknown, plansHref: string): void {
  const refused = planRefusal(error);
  if (!refused) {
    notifications.show({ color: "red", title, message: describeError(error) });
    return;
  }
  notifications.show({
    color: "yellow",
    title: refused.code === "PLAN_FEATURE_MISSING" ? "Not included in your plan" : "Your plan's limit is reached",
    autoClose: 10_000,
    message: (
      <Stack gap={2} align="flex-start">
        <Text size="sm">{refused.message}</Text>
        <Anchor href={plansHref} size="sm" fw={600}>
          See plans
        </Anchor>
      </Stack>
    ),
  });
}
