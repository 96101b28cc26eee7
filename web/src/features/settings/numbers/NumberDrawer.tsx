import { Alert, Badge, Button, Divider, Drawer, Group, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconPlayerPause } from "@tabler/icons-react";

import { describeError } from "../../../api/problems";
import { ConfirmAction } from "../shared/ConfirmAction";
import { CopyField } from "../shared/CopyField";
import { Facts } from "../shared/Facts";
import { EditChannelForm } from "./EditChannelForm";
import { HealthPanel } from "./HealthPanel";
import { providerLabel, qualityOf, statusOf, tierLabel, webhookUrl, type ChannelView } from "./health";
import { useChannelAction } from "./queries";

/** One number: its details, health reasons and what to do, the webhook URL, edit, resume, disconnect. */
export function NumberDrawer({
  workspaceId,
  channel,
  canWrite,
  onClose,
}: {
  workspaceId: string;
  channel: ChannelView | null;
  canWrite: boolean;
  onClose: () => void;
}) {
  return (
    <Drawer
      opened={channel !== null}
      onClose={onClose}
      position="right"
      size="lg"
      title={channel ? channel.name || channel.channel_id : ""}
    >
      {channel && <NumberDetail workspaceId={workspaceId} channel={channel} canWrite={canWrite} />}
    </Drawer>
  );
}

function NumberDetail({ workspaceId, channel, canWrite }: { workspaceId: string; channel: ChannelView; canWrite: boolean }) {
  const resume = useChannelAction(workspaceId, channel.channel_id, "resume");
  const disconnect = useChannelAction(workspaceId, channel.channel_id, "disconnect");
  const status = statusOf(channel);

  return (
    <Stack>
      <Group gap="xs">
        <Badge color={status.color}>{status.label}</Badge>
        <Badge variant="outline">{providerLabel(channel.provider)}</Badge>
      </Group>
      {channel.status === "paused" && (
        <Alert color="orange" icon={<IconPlayerPause />} title="WhatsApp stopped this number" role="status">
          <Stack gap={6}>
            <Text size="sm">{channel.paused_reason || "No reason was given."}</Text>
            {channel.paused_remedy && <Text size="sm">What to do: {channel.paused_remedy}</Text>}
            {channel.paused_code && (
              <Text size="xs" c="dimmed">
                Error code {channel.paused_code}
              </Text>
            )}
            {canWrite && (
              <Group>
                <Button
                  size="xs"
                  color="orange"
                  loading={resume.isPending}
                  onClick={() =>
                    resume.mutate(undefined, {
                      onSuccess: () => notifications.show({ color: "teal", message: "The number sends again." }),
                      onError: (error) => notifications.show({ color: "red", message: describeError(error) }),
                    })
                  }
                >
                  Resume sending
                </Button>
                <Text size="xs" c="dimmed">
                  Resume once the cause is fixed, or WhatsApp will pause it again.
                </Text>
              </Group>
            )}
          </Stack>
        </Alert>
      )}
      <Facts
        items={[
          { label: "Phone", value: channel.display_phone_number || "—" },
          { label: "Verified name", value: channel.verified_name || "—" },
          { label: "Channel ID", value: channel.channel_id },
          { label: "Phone number ID", value: channel.phone_number_id },
          ...(channel.business_account_id ? [{ label: "Business account ID", value: channel.business_account_id }] : []),
          { label: "Quality rating", value: qualityOf(channel.quality).label },
          { label: "Messaging limit", value: tierLabel(channel.tier) },
          { label: "Rate cap", value: `${channel.messages_per_second} messages/s${channel.warmup ? " (warming up)" : ""}` },
          { label: "Connected", value: new Date(channel.connected_at).toLocaleString() },
        ]}
      />
      {channel.provider === "cloud_api" && (
        <>
          <Divider />
          <Title order={5}>Webhook</Title>
          <Text size="sm" c="dimmed">
            In your Meta app, open WhatsApp → Configuration, paste this callback URL and the verify token you
            chose, then subscribe to the “messages” field.
          </Text>
          <CopyField label="Callback URL" value={webhookUrl(window.location.origin, channel.channel_id)} />
        </>
      )}
      {channel.status !== "disconnected" && (
        <>
          <Divider />
          <Title order={5}>Health</Title>
          <HealthPanel workspaceId={workspaceId} channelId={channel.channel_id} />
        </>
      )}
      {canWrite && channel.status !== "disconnected" && (
        <>
          <Divider />
          <Title order={5}>Settings</Title>
          <EditChannelForm key={channel.channel_id} workspaceId={workspaceId} channel={channel} />
          <Divider />
          <Group justify="space-between">
            <Text size="sm" c="dimmed">
              Disconnecting stops all sending on this number. Flows and campaigns using it stop too.
            </Text>
            <ConfirmAction
              label="Disconnect"
              title={`Disconnect ${channel.name || channel.channel_id}?`}
              confirmLabel="Disconnect"
              onConfirm={() => disconnect.mutateAsync()}
            >
              Nothing more is sent from {channel.display_phone_number || channel.channel_id}. You can connect it again
              later with its credentials.
            </ConfirmAction>
          </Group>
        </>
      )}
    </Stack>
  );
}
