import { Anchor, Badge, Box, Button, Group, Paper, Stack, Text } from "@mantine/core";
import { IconAlertCircle, IconCheck, IconChecks, IconFileText, IconList, IconPhoto, IconTemplate } from "@tabler/icons-react";
import { useState } from "react";

import type { Bubble, MessageModel, ReplyChoice, Ticks } from "../model/messages";
import { ListReplyModal } from "./ListReplyModal";

// One message as WhatsApp draws it: the customer's on the right, the bot's on the left; the
// bot's buttons and list open as taps that answer it.

export interface ReplyHandler {
  (kind: "button" | "list", choice: ReplyChoice): void;
}

const TIME = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

const TICK_LABEL: Record<Exclude<Ticks, "none">, string> = {
  sent: "Sent",
  delivered: "Delivered",
  read: "Read",
  failed: "Failed",
};

function TickMark({ ticks }: { ticks: Ticks }) {
  if (ticks === "none") return null;
  const label = TICK_LABEL[ticks];
  const props = { size: 14, "aria-label": label, role: "img" as const };
  if (ticks === "failed") return <IconAlertCircle {...props} color="var(--mantine-color-red-6)" />;
  if (ticks === "sent") return <IconCheck {...props} />;
  return <IconChecks {...props} color={ticks === "read" ? "var(--mantine-color-blue-5)" : undefined} />;
}

function Card({ icon, title, children }: { icon: React.ReactNode; title: string; children?: React.ReactNode }) {
  return (
    <Stack gap={4}>
      <Group gap={6} wrap="nowrap">
        {icon}
        <Text size="sm" fw={600}>
          {title}
        </Text>
      </Group>
      {children}
    </Stack>
  );
}

function Content({ bubble, onReply, disabled }: { bubble: Bubble; onReply: ReplyHandler; disabled: boolean }) {
  const [listOpen, setListOpen] = useState(false);
  switch (bubble.kind) {
    case "text":
      return <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>{bubble.text}</Text>;
    case "reply":
      return (
        <Stack gap={2}>
          <Text size="xs" c="dimmed">{bubble.replyKind === "button" ? "Tapped a button" : "Chose from the list"}</Text>
          <Text size="sm">{bubble.text}</Text>
        </Stack>
      );
    case "buttons":
      return (
        <Stack gap={6}>
          {bubble.header && <Text size="sm" fw={600}>{bubble.header}</Text>}
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>{bubble.text}</Text>
          {bubble.footer && <Text size="xs" c="dimmed">{bubble.footer}</Text>}
          {bubble.buttons.map((choice) => (
            <Button key={choice.id} variant="light" size="xs" fullWidth disabled={disabled} onClick={() => onReply("button", choice)}>
              {choice.title}
            </Button>
          ))}
        </Stack>
      );
    case "list":
      return (
        <Stack gap={6}>
          {bubble.header && <Text size="sm" fw={600}>{bubble.header}</Text>}
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>{bubble.text}</Text>
          {bubble.footer && <Text size="xs" c="dimmed">{bubble.footer}</Text>}
          <Button variant="light" size="xs" fullWidth leftSection={<IconList size={14} />} disabled={disabled} onClick={() => setListOpen(true)}>
            {bubble.button}
          </Button>
          <ListReplyModal
            opened={listOpen}
            title={bubble.button}
            sections={bubble.sections}
            onClose={() => setListOpen(false)}
            onChoose={(choice) => {
              setListOpen(false);
              onReply("list", choice);
            }}
          />
        </Stack>
      );
    case "media":
      return (
        <Card icon={bubble.mediaType === "document" ? <IconFileText size={16} /> : <IconPhoto size={16} />} title={bubble.filename || bubble.mediaType}>
          {bubble.caption && <Text size="sm">{bubble.caption}</Text>}
          {bubble.url && (
            <Anchor href={bubble.url} target="_blank" rel="noreferrer" size="xs" style={{ overflowWrap: "anywhere" }}>
              {bubble.url}
            </Anchor>
          )}
        </Card>
      );
    case "template":
      return (
        <Card icon={<IconTemplate size={16} />} title={`Template ${bubble.name}`}>
          <Group gap={4}>
            {bubble.language && <Badge size="xs" variant="outline">{bubble.language}</Badge>}
            {bubble.parameters.map((p, i) => (
              <Badge key={i} size="xs" variant="light">{p}</Badge>
            ))}
          </Group>
        </Card>
      );
    default:
      return <Text size="xs" c="dimmed" ff="monospace" style={{ overflowWrap: "anywhere" }}>{JSON.stringify(bubble.raw)}</Text>;
  }
}

export function MessageBubble({ message, onReply, disabled }: { message: MessageModel; onReply: ReplyHandler; disabled: boolean }) {
  return (
    <Box
      style={{ display: "flex", justifyContent: message.mine ? "flex-end" : "flex-start" }}
      data-testid="sandbox-message"
      data-direction={message.mine ? "customer" : "bot"}
    >
      <Paper
        px="sm"
        py={6}
        radius="md"
        maw="85%"
        shadow="xs"
        withBorder={!message.mine}
        bg={message.mine ? "light-dark(var(--mantine-color-green-1), var(--mantine-color-teal-9))" : "var(--mantine-color-body)"}
        aria-label={message.mine ? "You" : "Bot"}
        component="article"
      >
        <Content bubble={message.bubble} onReply={onReply} disabled={disabled} />
        <Group gap={4} justify="flex-end" mt={2}>
          <Text size="xs" c="dimmed">{TIME.format(new Date(message.at))}</Text>
          <TickMark ticks={message.ticks} />
        </Group>
      </Paper>
    </Box>
  );
}
