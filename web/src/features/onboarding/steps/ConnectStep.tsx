import { Accordion, Alert, Badge, Button, Card, Group, Stack, Text, Title } from "@mantine/core";
import { IconBrandWhatsapp, IconCheck, IconFlask } from "@tabler/icons-react";

import { describeError } from "../../../api/problems";
import { CloudApiConnectForm } from "../../settings/numbers/CloudApiConnectForm";
import { useConnectTourSandbox } from "../../settings/numbers/queries";
import type { SetupFacts } from "../progress";

export function ConnectStep({
  workspaceId,
  facts,
  onNext,
}: {
  workspaceId: string;
  facts: SetupFacts;
  onNext: () => void;
}) {
  const sandbox = useConnectTourSandbox(workspaceId);
  const connected = facts.channels.filter((c) => c.status !== "disconnected");
  const hasSandbox = connected.some((c) => c.provider === "sandbox");

  return (
    <Stack gap="md">
      {connected.length > 0 && (
        <Alert color="teal" icon={<IconCheck />} title="WhatsApp is connected">
          <Group gap="xs">
            {connected.map((c) => (
              <Badge key={c.channel_id} variant="light">
                {c.name || c.channel_id} · {c.provider === "sandbox" ? "sandbox" : "Cloud API"}
              </Badge>
            ))}
          </Group>
        </Alert>
      )}
      <Card withBorder padding="lg">
        <Group align="flex-start" wrap="nowrap" gap="md">
          <IconFlask size={28} aria-hidden />
          <Stack gap="xs" style={{ flex: 1 }}>
            <Title order={3} size="h4">
              Try it with the sandbox
            </Title>
            <Text size="sm" c="dimmed">
              A test number inside Parley: you play the customer in a phone on screen. Nothing reaches real
              WhatsApp users, and you can connect a real number any time.
            </Text>
            {sandbox.error && (
              <Text size="sm" c="red" role="alert">
                {describeError(sandbox.error)}
              </Text>
            )}
            <Group>
              {hasSandbox ? (
                <Badge color="teal" leftSection={<IconCheck size={12} />}>
                  Sandbox connected
                </Badge>
              ) : (
                <Button loading={sandbox.isPending} onClick={() => sandbox.mutate(undefined, { onSuccess: onNext })}>
                  Connect the sandbox
                </Button>
              )}
            </Group>
          </Stack>
        </Group>
      </Card>
      <Accordion variant="contained">
        <Accordion.Item value="cloud">
          <Accordion.Control icon={<IconBrandWhatsapp size={20} />}>
            Connect a real number (WhatsApp Cloud API)
          </Accordion.Control>
          <Accordion.Panel>
            <CloudApiConnectForm workspaceId={workspaceId} onConnected={onNext} sendingSettings={false} />
          </Accordion.Panel>
        </Accordion.Item>
      </Accordion>
      {connected.length > 0 && (
        <Group justify="flex-end">
          <Button onClick={onNext}>Continue</Button>
        </Group>
      )}
    </Stack>
  );
}
