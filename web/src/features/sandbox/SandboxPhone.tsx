import { Alert, Avatar, Box, Button, Group, Paper, ScrollArea, Select, Stack, Text, TextInput } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { IconDeviceMobile, IconRobot } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useMemo, useRef, useState } from "react";

import type { ChannelView } from "../../api/types";
import { EmptyState, ErrorState, Loading } from "../../components/PageState";
import { useLiveEvents } from "../../live/useLiveEvents";
import { useConnectTourSandbox } from "../settings/numbers/queries";
import { sandboxKeys, useConversation, useSandboxChannels, useSendAsCustomer } from "./api";
import { DEFAULT_CUSTOMER_PHONE, DEFAULT_PROFILE_NAME, messageModel, phoneProblem, replyMessage, textMessage } from "./model/messages";
import { Composer } from "./phone/Composer";
import { MessageBubble } from "./phone/MessageBubble";

// The sandbox phone: a chat panel where the user plays the customer writing to a sandbox
// number (text, and taps on the bot's buttons and list rows). Used on its own page, beside the
// flow canvas, and in onboarding.
export interface SandboxPhoneProps {
  workspaceId: string;
  /** the sandbox channel to write to; when omitted the phone offers the workspace's sandbox numbers */
  channelId?: string;
  /** the customer's phone number (E.164); a default test number when omitted */
  customerPhone?: string;
  /** compact layout for side panels */
  compact?: boolean;
}

// Events after which the conversation has (or is about to have) a new message or status.
const CONVERSATION_EVENTS = new Set([
  "exec.ExecutionStarted",
  "exec.MessageSendRequested",
  "exec.MessageStatusRecorded",
  "exec.ReplyAccepted",
  "exec.ReplyRejected",
  "exec.ExecutionCompleted",
]);

export function SandboxPhone({ workspaceId, channelId, customerPhone, compact = false }: SandboxPhoneProps) {
  const channels = useSandboxChannels(workspaceId);
  const create = useConnectTourSandbox(workspaceId);
  const [chosen, setChosen] = useState<string | null>(null);

  if (channelId) return <Phone workspaceId={workspaceId} channelId={channelId} initialPhone={customerPhone} compact={compact} />;
  if (channels.isPending) return <Loading label="Loading sandbox numbers…" />;
  if (channels.error) return <ErrorState error={channels.error} onRetry={() => channels.refetch()} />;
  const list = channels.data;
  if (list.length === 0) {
    return (
      <EmptyState
        title="No sandbox number yet"
        icon={<IconDeviceMobile />}
        action={
          <Stack gap="xs" align="center">
            <Button onClick={() => create.mutate()} loading={create.isPending}>
              Create a sandbox number
            </Button>
            {create.error && <ErrorState error={create.error} />}
          </Stack>
        }
      >
        A sandbox number lets you talk to your flows as a customer would, without a WhatsApp account.
      </EmptyState>
    );
  }
  const current = list.find((c) => c.channel_id === chosen) ?? list[0];
  if (!current) return null;
  return (
    <Phone
      workspaceId={workspaceId}
      channelId={current.channel_id}
      channel={current}
      channels={list}
      onChannel={setChosen}
      initialPhone={customerPhone}
      compact={compact}
    />
  );
}

interface PhoneProps {
  workspaceId: string;
  channelId: string;
  channel?: ChannelView;
  channels?: ChannelView[];
  onChannel?: (channelId: string) => void;
  initialPhone?: string;
  compact: boolean;
}

function Phone({ workspaceId, channelId, channel, channels, onChannel, initialPhone, compact }: PhoneProps) {
  const [phoneDraft, setPhoneDraft] = useState(initialPhone ?? DEFAULT_CUSTOMER_PHONE);
  const problem = phoneProblem(phoneDraft);
  // Sends always go to the number shown; the conversation follows once typing pauses.
  const phone = problem ? null : phoneDraft.trim();
  const [settled] = useDebouncedValue(phone, 400);
  const shown = settled === phone ? phone : null;
  const [name, setName] = useState(DEFAULT_PROFILE_NAME);
  const client = useQueryClient();
  const conversation = useConversation(workspaceId, channelId, shown, true);
  const send = useSendAsCustomer(workspaceId, channelId);
  const viewport = useRef<HTMLDivElement>(null);

  useLiveEvents({ workspace_id: workspaceId }, (event) => {
    if (!shown || !CONVERSATION_EVENTS.has(event.event.type)) return;
    void client.invalidateQueries({ queryKey: sandboxKeys.conversation(workspaceId, channelId, shown) });
  });

  const messages = useMemo(() => (conversation.data ?? []).map(messageModel), [conversation.data]);
  const last = messages[messages.length - 1];
  const lastKey = last ? `${last.id}:${last.ticks}` : "";
  useEffect(() => {
    const el = viewport.current;
    if (el) el.scrollTo({ top: el.scrollHeight });
  }, [lastKey]);

  const disabled = !phone || channel?.status === "disconnected";
  const title = channel?.name || channel?.display_phone_number || channelId;

  return (
    <Paper withBorder radius="lg" shadow="sm" style={{ display: "flex", flexDirection: "column", overflow: "hidden" }} h={compact ? 560 : 680} maw={compact ? undefined : 440} w="100%" aria-label="Sandbox phone" component="section">
      <Stack gap="xs" p="sm" bg="var(--mantine-color-default)" style={{ borderBottom: "1px solid var(--mantine-color-default-border)" }}>
        <Group gap="sm" wrap="nowrap">
          <Avatar radius="xl" color="teal" aria-hidden>
            <IconRobot size={20} />
          </Avatar>
          <Box style={{ minWidth: 0, flex: 1 }}>
            <Text fw={600} size="sm" truncate>
              {title}
            </Text>
            <Text size="xs" c="dimmed" truncate>
              {channel?.display_phone_number || "Sandbox number"} · you are the customer
            </Text>
          </Box>
        </Group>
        <Group gap="xs" grow align="flex-start">
          {channels && channels.length > 1 && (
            <Select
              label="Sandbox number"
              size="xs"
              data={channels.map((c) => ({ value: c.channel_id, label: c.name || c.display_phone_number || c.channel_id }))}
              value={channelId}
              onChange={(value) => value && onChannel?.(value)}
              allowDeselect={false}
            />
          )}
          <TextInput
            label="Customer phone"
            size="xs"
            value={phoneDraft}
            onChange={(e) => setPhoneDraft(e.currentTarget.value)}
            error={problem}
            inputMode="tel"
            autoComplete="off"
          />
          <TextInput
            label="Customer name"
            size="xs"
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
            maxLength={256}
            autoComplete="off"
          />
        </Group>
      </Stack>
      {channel && channel.status !== "active" && (
        <Alert color="orange" radius={0} py={6}>
          This number is {channel.status}
          {channel.paused_reason ? `: ${channel.paused_reason}` : ""}.
        </Alert>
      )}
      <ScrollArea style={{ flex: 1 }} viewportRef={viewport} bg="light-dark(var(--mantine-color-gray-1), var(--mantine-color-dark-8))">
        <Stack gap="xs" p="sm" role="log" aria-label="Conversation" aria-live="polite">
          {conversation.isPending && phone ? (
            <Loading label="Loading the conversation…" />
          ) : conversation.error ? (
            <ErrorState error={conversation.error} onRetry={() => conversation.refetch()} />
          ) : messages.length === 0 ? (
            <Text size="sm" c="dimmed" ta="center" py="xl">
              No messages yet. Write one of your flow&apos;s trigger keywords (for example &quot;hi&quot;) to start it.
            </Text>
          ) : (
            messages.map((message) => (
              <MessageBubble
                key={message.id}
                message={message}
                disabled={disabled || send.isPending}
                onReply={(kind, choice) => phone && send.mutate(replyMessage({ phone, name }, kind, choice))}
              />
            ))
          )}
        </Stack>
      </ScrollArea>
      <Box style={{ borderTop: "1px solid var(--mantine-color-default-border)" }}>
        <Composer
          disabled={disabled}
          sending={send.isPending}
          error={send.error}
          onSend={(text) => (phone ? send.mutateAsync(textMessage({ phone, name }, text)) : Promise.reject(new Error("no phone")))}
        />
      </Box>
    </Paper>
  );
}
