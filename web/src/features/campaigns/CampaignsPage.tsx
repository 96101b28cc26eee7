import { Anchor, Button, Card, Center, Group, Select, Stack, Table, Text, Title } from "@mantine/core";
import { IconPlus, IconSpeakerphone } from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";

import { api, unwrap } from "../../api/client";
import { EmptyState, ErrorState, Loading } from "../../components/PageState";
import { usePermissions } from "../../state/permissions";
import { useWorkspaceId } from "../../state/workspace";
import { formatTime } from "../contacts/model";
import { StatsBar, StatusBadge } from "./CampaignBadges";
import { campaignKeys } from "./queries";
import { STATUS_COLORS, type CampaignStatus } from "./model";

export function CampaignsPage() {
  const workspaceId = useWorkspaceId();
  const may = usePermissions(workspaceId);
  const [status, setStatus] = useState<CampaignStatus | null>(null);
  const campaigns = useInfiniteQuery({
    queryKey: [...campaignKeys.all(workspaceId), "list", status],
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/campaigns", { params: { path: { workspace_id: workspaceId }, query: { status, limit: 25, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
    // Running campaigns' numbers move: keep the list fresh while any runs.
    refetchInterval: (query) => (query.state.data?.pages.some((p) => p.items.some((c) => c.status === "running")) ? 5000 : false),
  });
  const items = campaigns.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Campaigns</Title>
        <Group>
          <Select
            aria-label="Status"
            placeholder="Every status"
            data={Object.keys(STATUS_COLORS)}
            value={status}
            onChange={(v) => setStatus(v as CampaignStatus | null)}
            clearable
            w={170}
          />
          {may("campaigns:write") && (
            <Button component={Link} to="new" leftSection={<IconPlus size={16} />}>
              New campaign
            </Button>
          )}
        </Group>
      </Group>
      {campaigns.isPending && <Loading label="Loading campaigns…" />}
      {campaigns.error && <ErrorState error={campaigns.error} onRetry={() => campaigns.refetch()} />}
      {campaigns.data && !items.length && (
        <EmptyState
          title={status ? `No ${status} campaigns` : "No campaigns yet"}
          icon={<IconSpeakerphone />}
          action={
            may("campaigns:write") && !status && (
              <Button component={Link} to="new">
                Create a campaign
              </Button>
            )
          }
        >
          A campaign sends one approved template, or starts a flow, for every contact of a segment who agreed to hear from you.
        </EmptyState>
      )}
      {items.length > 0 && (
        <Card withBorder p={0}>
          <Table.ScrollContainer minWidth={820}>
            <Table verticalSpacing="sm" highlightOnHover aria-label="Campaigns">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Name</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Targeted</Table.Th>
                  <Table.Th>Sent</Table.Th>
                  <Table.Th>Delivered</Table.Th>
                  <Table.Th>Failed</Table.Th>
                  <Table.Th w={180}>Progress</Table.Th>
                  <Table.Th>Updated</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {items.map((c) => (
                  <Table.Tr key={c.campaign_id}>
                    <Table.Td>
                      <Anchor component={Link} to={c.campaign_id} fw={500}>
                        {c.definition.name}
                      </Anchor>
                      <Text size="xs" c="dimmed">
                        {c.definition.kind === "template" ? "Template" : "Flow"} · {c.definition.channel_id || "—"}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={c.status} />
                    </Table.Td>
                    <Table.Td>{c.stats?.targeted ?? 0}</Table.Td>
                    <Table.Td>{c.stats?.sent ?? 0}</Table.Td>
                    <Table.Td>{c.stats?.delivered ?? 0}</Table.Td>
                    <Table.Td>{c.stats?.failed ?? 0}</Table.Td>
                    <Table.Td>
                      <StatsBar stats={c.stats} size="sm" label={`${c.definition.name} progress`} />
                    </Table.Td>
                    <Table.Td>
                      <Text size="sm">{formatTime(c.updated_at)}</Text>
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        </Card>
      )}
      {campaigns.hasNextPage && (
        <Center>
          <Button variant="default" onClick={() => campaigns.fetchNextPage()} loading={campaigns.isFetchingNextPage}>
            Load more
          </Button>
        </Center>
      )}
    </Stack>
  );
}
