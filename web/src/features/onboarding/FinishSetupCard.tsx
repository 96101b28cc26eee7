import { Button, Card, Group, Progress as Bar, Stack, Text, Title } from "@mantine/core";
import { IconRocket } from "@tabler/icons-react";
import { Link } from "react-router";

import { deriveProgress, showFinishCard, STEPS } from "./progress";
import { useTourRecord } from "./tourRecord";
import { useSetupFacts } from "./useSetupFacts";

/** The dashboard's reminder of the guided tour, shown while steps remain. */
export function FinishSetupCard({ workspaceId }: { workspaceId: string }) {
  const { facts } = useSetupFacts(workspaceId);
  const [record, update] = useTourRecord();
  if (!facts) return null;
  const progress = deriveProgress(facts, record);
  if (!showFinishCard(progress, record)) return null;
  const doneCount = STEPS.length - progress.remaining;
  const next = STEPS.find((s) => s.key === progress.next);
  return (
    <Card withBorder padding="md" aria-labelledby="finish-setup-title">
      <Group justify="space-between" wrap="wrap" gap="md">
        <Stack gap={4} style={{ flex: 1, minWidth: 220 }}>
          <Title order={2} size="h4" id="finish-setup-title">
            Finish setting up
          </Title>
          <Text size="sm" c="dimmed">
            {doneCount} of {STEPS.length} steps done{next ? `. Next: ${next.description.toLowerCase()}.` : "."}
          </Text>
          <Bar value={(doneCount / STEPS.length) * 100} size="sm" aria-label="Setup progress" />
        </Stack>
        <Group gap="xs">
          <Button variant="subtle" onClick={() => update({ finished: true })}>
            Dismiss
          </Button>
          <Button
            component={Link}
            to="/onboarding"
            leftSection={<IconRocket size={16} />}
            onClick={() => update({ workspaceId })}
          >
            Resume the tour
          </Button>
        </Group>
      </Group>
    </Card>
  );
}
