import { Button, Group, SegmentedControl, SimpleGrid, Skeleton, Stack, Text, Title } from "@mantine/core";
import { IconRocket } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { EmptyState, ErrorState } from "../../components/PageState";
import { useWorkspaceId } from "../../state/workspace";
import { FinishSetupCard } from "../onboarding/FinishSetupCard";
import { AttentionList } from "./AttentionList";
import { FlowsChart } from "./FlowsChart";
import { isEmptyWorkspace, PERIODS } from "./format";
import { MessagesChart } from "./MessagesChart";
import { MetricCards } from "./MetricCards";
import { NumbersHealth } from "./NumbersHealth";
import { useDashboard } from "./useDashboard";

export function DashboardPage() {
  const workspaceId = useWorkspaceId();
  const [hours, setHours] = useState("24");
  const query = useDashboard(workspaceId, Number(hours));
  const data = query.data;

  return (
    <Stack gap="md">
      <Group justify="space-between" wrap="wrap" gap="sm">
        <Stack gap={0}>
          <Title order={1} size="h2">
            Dashboard
          </Title>
          <Text size="sm" c="dimmed">
            Updated live{query.isFetching && data ? " · refreshing…" : ""}
          </Text>
        </Stack>
        <SegmentedControl aria-label="Period" value={hours} onChange={setHours} data={[...PERIODS]} />
      </Group>

      <FinishSetupCard workspaceId={workspaceId} />

      {query.error && !data ? (
        <ErrorState error={query.error} onRetry={() => query.refetch()} />
      ) : (
        <>
          <MetricCards data={data} />
          {!data ? (
            <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md" aria-busy="true" aria-label="Loading charts">
              <Skeleton h={320} />
              <Skeleton h={320} />
            </SimpleGrid>
          ) : isEmptyWorkspace(data) ? (
            <EmptyState
              title="Nothing to show yet"
              icon={<IconRocket />}
              action={
                <Button component={Link} to="/onboarding">
                  Start the guided tour
                </Button>
              }
            >
              Connect a WhatsApp number and publish a flow: messages, conversations and number health appear
              here as soon as they happen.
            </EmptyState>
          ) : (
            <>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                <MessagesChart data={data} />
                <FlowsChart data={data} />
              </SimpleGrid>
              <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
                <AttentionList data={data} workspaceId={workspaceId} />
                <NumbersHealth data={data} workspaceId={workspaceId} />
              </SimpleGrid>
            </>
          )}
        </>
      )}
    </Stack>
  );
}
