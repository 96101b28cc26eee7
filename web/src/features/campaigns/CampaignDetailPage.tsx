import { Alert, Anchor, Breadcrumbs, Button, Card, Code, Grid, Group, Modal, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { BarChart } from "@mantine/charts";
import { IconPencil, IconPlayerPause, IconPlayerPlay, IconX } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import { Link, useParams } from "react-router";

import { api, unwrap } from "../../api/client";
import { notifyError } from "../../components/notifyError";
import { QueryState } from "../../components/PageState";
import { usePlansHref } from "../../components/PlanLimitAlert";
import { type May, usePermissions } from "../../state/permissions";
import { useWorkspaceId } from "../../state/workspace";
import { describeFilter } from "../contacts/filters";
import { formatTime } from "../contacts/model";
import { StatsBar, StatusBadge } from "./CampaignBadges";
import { EMPTY_STATS, type Campaign } from "./model";
import { campaignProgress, failuresByCode, statsChart } from "./progress";
import { campaignKeys, useCampaign } from "./queries";

type Action = "pause" | "resume" | "cancel";

function Figure({ label, value }: { label: string; value: number }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} aria-label={`${label}: ${value}`} data-testid={`stat-${label.toLowerCase().replace(/ /g, "-")}`}>
        {value}
      </Text>
    </Card>
  );
}

function Controls({ workspaceId, campaign, may }: { workspaceId: string; campaign: Campaign; may: May }) {
  const client = useQueryClient();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const plansHref = usePlansHref();
  const act = useMutation({
    mutationFn: async (action: Action) => {
      const params = { params: { path: { workspace_id: workspaceId, campaign_id: campaign.campaign_id } } };
      if (action === "pause") return unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/campaigns/{campaign_id}/pause", params));
      if (action === "resume") return unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/campaigns/{campaign_id}/resume", params));
      return unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/campaigns/{campaign_id}/cancel", params));
    },
    onSuccess: (result) => {
      if (result.campaign) client.setQueryData(campaignKeys.one(workspaceId, campaign.campaign_id), result.campaign);
      void client.invalidateQueries({ queryKey: campaignKeys.all(workspaceId) });
      setConfirmCancel(false);
    },
    onError: (error) => notifyError("Not done", error, plansHref),
  });
  const s = campaign.status;
  const write = may("campaigns:write");
  return (
    <Group gap="xs">
      {s === "draft" && write && (
        <Button component={Link} to="edit" leftSection={<IconPencil size={16} />}>
          Continue editing
        </Button>
      )}
      {s === "running" && write && (
        <Button variant="default" leftSection={<IconPlayerPause size={16} />} onClick={() => act.mutate("pause")} loading={act.isPending && act.variables === "pause"}>
          Pause
        </Button>
      )}
      {s === "paused" && may("campaigns:launch") && (
        <Button leftSection={<IconPlayerPlay size={16} />} onClick={() => act.mutate("resume")} loading={act.isPending && act.variables === "resume"}>
          Resume
        </Button>
      )}
      {["draft", "scheduled", "running", "paused"].includes(s) && write && (
        <Button variant="light" color="red" leftSection={<IconX size={16} />} onClick={() => setConfirmCancel(true)}>
          Cancel campaign
        </Button>
      )}
      <Modal opened={confirmCancel} onClose={() => setConfirmCancel(false)} title="Cancel this campaign?">
        <Stack>
          <Text size="sm">Nothing more is sent. What was sent stays sent; a cancelled campaign cannot be resumed.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirmCancel(false)}>
              Keep it
            </Button>
            <Button color="red" onClick={() => act.mutate("cancel")} loading={act.isPending && act.variables === "cancel"}>
              Cancel campaign
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Group>
  );
}

function CampaignBody({ workspaceId, campaign, may }: { workspaceId: string; campaign: Campaign; may: May }) {
  const stats = campaign.stats ?? EMPTY_STATS;
  const progress = campaignProgress(stats);
  const failures = failuresByCode(stats);
  const d = campaign.definition;
  const template = d.template as { name?: string; language?: string; body_parameters?: string[] } | null | undefined;
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Title order={2}>{d.name}</Title>
          <StatusBadge status={campaign.status} />
        </Group>
        <Controls workspaceId={workspaceId} campaign={campaign} may={may} />
      </Group>
      {campaign.paused_reason && (
        <Alert color="yellow" title="Paused">
          {campaign.paused_reason}
        </Alert>
      )}
      <Text size="sm" c="dimmed">
        {campaign.scheduled_at && `Scheduled for ${formatTime(campaign.scheduled_at)} · `}
        {campaign.launched_at ? `Launched ${formatTime(campaign.launched_at)}` : "Not launched"}
        {campaign.finished_at && ` · finished ${formatTime(campaign.finished_at)}`}
        {campaign.rate_per_second > 0 && ` · ${Math.round(campaign.rate_per_second * 10) / 10} messages/s`}
      </Text>
      <Card withBorder>
        <Stack gap="xs">
          <Group justify="space-between">
            <Text fw={600} aria-live="polite">
              {progress.processed} of {progress.targeted} recipients processed
            </Text>
            <Text size="sm">{progress.percent}%</Text>
          </Group>
          <StatsBar stats={stats} size="xl" label="Campaign progress" />
          <Group gap="md">
            {progress.sections.map((s) => (
              <Text key={s.key} size="xs" c="dimmed">
                {s.label}: {s.value}
              </Text>
            ))}
            {progress.deliveryRate !== null && <Text size="xs" c="dimmed">Delivery rate: {progress.deliveryRate}%</Text>}
          </Group>
        </Stack>
      </Card>
      <SimpleGrid cols={{ base: 3, sm: 5 }}>
        <Figure label="Targeted" value={stats.targeted} />
        <Figure label="Sent" value={stats.sent} />
        <Figure label="Delivered" value={stats.delivered} />
        <Figure label="Read" value={stats.read} />
        <Figure label="Replied" value={stats.replied} />
        <Figure label="Failed" value={stats.failed} />
        <Figure label="Limited" value={stats.limited_by_meta} />
        <Figure label="Opted out" value={stats.opted_out} />
        <Figure label="Pending" value={stats.pending} />
        <Figure label="Excluded" value={stats.excluded_opted_out + stats.excluded_without_opt_in} />
      </SimpleGrid>
      <Grid>
        <Grid.Col span={{ base: 12, md: 8 }}>
          <Card withBorder>
            <Title order={4} mb="sm">
              Recipients by status
            </Title>
            <BarChart h={260} data={statsChart(stats)} dataKey="label" series={[{ name: "recipients", label: "Recipients", color: "blue.6" }]} tickLine="y" withTooltip aria-label="Recipients by status chart" />
          </Card>
        </Grid.Col>
        <Grid.Col span={{ base: 12, md: 4 }}>
          <Card withBorder h="100%">
            <Title order={4} mb="sm">
              Failures by code
            </Title>
            {failures.length === 0 ? (
              <Text size="sm" c="dimmed">No failures.</Text>
            ) : (
              <Table aria-label="Failures by code">
                <Table.Tbody>
                  {failures.map((f) => (
                    <Table.Tr key={f.code}>
                      <Table.Td>
                        <Code>{f.code}</Code>
                      </Table.Td>
                      <Table.Td ta="right">{f.count}</Table.Td>
                    </Table.Tr>
                  ))}
                </Table.Tbody>
              </Table>
            )}
          </Card>
        </Grid.Col>
      </Grid>
      <Card withBorder>
        <Title order={4} mb="xs">
          Definition
        </Title>
        <Text size="sm">Number: {d.channel_id || "—"}</Text>
        <Text size="sm">Audience: {d.segment_id ? `segment ${d.segment_id}` : d.filter ? describeFilter(d.filter) : "—"}{d.include_without_opt_in ? " (including contacts without opt-in evidence)" : ""}</Text>
        <Text size="sm">
          Message: {d.kind === "flow" ? `flow ${d.flow_id}` : `template ${template?.name ?? "?"} (${template?.language ?? ""})${template?.body_parameters?.length ? ` with ${template.body_parameters.join(", ")}` : ""}`}
        </Text>
        {d.max_per_second > 0 && <Text size="sm">Rate cap: {d.max_per_second}/s</Text>}
      </Card>
    </Stack>
  );
}

export function CampaignDetailPage() {
  const workspaceId = useWorkspaceId();
  const { campaignId = "" } = useParams();
  const may = usePermissions(workspaceId);
  const campaign = useCampaign(workspaceId, campaignId);
  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/w/${workspaceId}/campaigns`}>
          Campaigns
        </Anchor>
        <Text>{campaign.data?.definition.name ?? campaignId}</Text>
      </Breadcrumbs>
      <QueryState query={campaign} loading="Loading the campaign…">
        {(c) => <CampaignBody workspaceId={workspaceId} campaign={c} may={may} />}
      </QueryState>
    </Stack>
  );
}

export function EditCampaignPage({ render }: { render: (c: Campaign) => ReactNode }) {
  const workspaceId = useWorkspaceId();
  const { campaignId = "" } = useParams();
  const campaign = useCampaign(workspaceId, campaignId);
  return <QueryState query={campaign}>{(c) => render(c)}</QueryState>;
}
