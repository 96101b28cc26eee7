import { Badge, Button, Group, Stack, Switch, Table, Text, Title, Tooltip } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconBrandWhatsapp, IconDeviceMobile, IconPlus } from "@tabler/icons-react";
import { useState } from "react";

import { describeError } from "../../../api/problems";
import { EmptyState, QueryState } from "../../../components/PageState";
import { useRole, useWorkspaceId } from "../../../state/workspace";
import { can } from "../shared/roles";
import { useRoleTable } from "../shared/useRoleTable";
import { CloudApiModal } from "./CloudApiModal";
import { HealthSummary } from "./HealthSummary";
import { nextSandbox, providerLabel, qualityOf, statusOf, tierLabel, type ChannelView } from "./health";
import { NumberDrawer } from "./NumberDrawer";
import { useChannels, useConnectSandbox } from "./queries";

export function NumbersPage() {
  const workspaceId = useWorkspaceId();
  const { data: table } = useRoleTable();
  const canWrite = can(table, useRole(workspaceId), "channels:write");
  const [showDisconnected, setShowDisconnected] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);
  const [cloudOpen, cloud] = useDisclosure(false);
  // One list with the disconnected numbers too: a new sandbox id must not reuse theirs.
  const channels = useChannels(workspaceId, true);
  const sandbox = useConnectSandbox(workspaceId);

  function connectSandbox() {
    const ids = (channels.data ?? []).map((c) => c.channel_id);
    sandbox.mutate(nextSandbox(ids), {
      onSuccess: (channel) =>
        notifications.show({ color: "teal", message: `Connected ${channel.name} (${channel.display_phone_number}).` }),
      onError: (error) => notifications.show({ color: "red", title: "Not connected", message: describeError(error) }),
    });
  }

  const actions = (
    <Group gap="xs">
      <Tooltip label="Only admins and owners connect numbers" disabled={canWrite}>
        <Button
          leftSection={<IconDeviceMobile size={16} />}
          variant="light"
          onClick={connectSandbox}
          loading={sandbox.isPending}
          disabled={!canWrite || channels.isPending}
        >
          Connect sandbox number
        </Button>
      </Tooltip>
      <Tooltip label="Only admins and owners connect numbers" disabled={canWrite}>
        <Button leftSection={<IconBrandWhatsapp size={16} />} onClick={cloud.open} disabled={!canWrite}>
          Connect Cloud API number
        </Button>
      </Tooltip>
    </Group>
  );

  const current = channels.data?.find((c) => c.channel_id === selected) ?? null;
  return (
    <Stack>
      <Group justify="space-between" align="flex-end">
        <div>
          <Title order={3}>WhatsApp numbers</Title>
          <Text size="sm" c="dimmed">
            The numbers your flows and campaigns send from. A sandbox number is simulated for testing; a Cloud
            API number is a real WhatsApp Business number.
          </Text>
        </div>
        {actions}
      </Group>
      <Switch
        label="Show disconnected numbers"
        checked={showDisconnected}
        onChange={(event) => setShowDisconnected(event.currentTarget.checked)}
      />
      <QueryState query={channels} loading="Loading numbers…">
        {(all) => {
          const shown = all.filter((c) => showDisconnected || c.status !== "disconnected");
          if (shown.length === 0)
            return (
              <EmptyState title="No numbers yet" icon={<IconPlus />}>
                {canWrite
                  ? "Connect a sandbox number to try flows right away, or connect your WhatsApp Business number through the Cloud API."
                  : "An admin or owner of this workspace connects numbers."}
              </EmptyState>
            );
          return <NumbersTable workspaceId={workspaceId} channels={shown} onOpen={setSelected} />;
        }}
      </QueryState>
      <CloudApiModal
        workspaceId={workspaceId}
        opened={cloudOpen}
        onClose={cloud.close}
        onConnected={(channel) => {
          cloud.close();
          setSelected(channel.channel_id);
          notifications.show({ color: "teal", message: `Connected ${channel.name || channel.channel_id}. Now set up its webhook.` });
        }}
      />
      <NumberDrawer workspaceId={workspaceId} channel={current} canWrite={canWrite} onClose={() => setSelected(null)} />
    </Stack>
  );
}

function NumbersTable({
  workspaceId,
  channels,
  onOpen,
}: {
  workspaceId: string;
  channels: ChannelView[];
  onOpen: (channelId: string) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" highlightOnHover aria-label="WhatsApp numbers">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Number</Table.Th>
            <Table.Th>Provider</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Quality</Table.Th>
            <Table.Th>Messaging limit</Table.Th>
            <Table.Th>Health</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {channels.map((channel) => {
            const status = statusOf(channel);
            const quality = qualityOf(channel.quality);
            return (
              <Table.Tr key={channel.channel_id}>
                <Table.Td>
                  <Text fw={600} size="sm">
                    {channel.name || channel.channel_id}
                  </Text>
                  <Text size="xs" c="dimmed">
                    {channel.display_phone_number || channel.phone_number_id}
                  </Text>
                </Table.Td>
                <Table.Td>{providerLabel(channel.provider)}</Table.Td>
                <Table.Td>
                  <Tooltip label={channel.paused_reason} disabled={channel.status !== "paused" || !channel.paused_reason} multiline w={280}>
                    <Badge color={status.color} variant="light">
                      {status.label}
                    </Badge>
                  </Tooltip>
                  {channel.status === "paused" && channel.paused_reason && (
                    <Text size="xs" c="dimmed" lineClamp={2} maw={220}>
                      {channel.paused_reason}
                    </Text>
                  )}
                </Table.Td>
                <Table.Td>
                  <Badge color={quality.color} variant="outline">
                    {quality.label}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{tierLabel(channel.tier)}</Text>
                </Table.Td>
                <Table.Td>
                  <HealthSummary workspaceId={workspaceId} channel={channel} />
                </Table.Td>
                <Table.Td>
                  <Button
                    size="xs"
                    variant="default"
                    onClick={() => onOpen(channel.channel_id)}
                    aria-label={`Details of ${channel.name || channel.channel_id}`}
                  >
                    Details
                  </Button>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
