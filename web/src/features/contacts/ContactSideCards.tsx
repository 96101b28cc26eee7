import { Badge, Button, Card, CloseButton, Group, Modal, Select, Stack, TagsInput, Text, Textarea, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { describeError, formErrors } from "../../api/problems";
import { ConsentBadge } from "./ContactBadges";
import { consentOf, formatTime, STAGES, type Contact, type ContactChangeResult, type Stage } from "./model";
import { useContactChanged } from "./queries";

type Props = { workspaceId: string; contact: Contact; canEdit: boolean };

function useChange<T>(workspaceId: string, call: (input: T) => Promise<ContactChangeResult>, done?: string) {
  const changed = useContactChanged(workspaceId);
  return useMutation({
    mutationFn: call,
    onSuccess: (result) => {
      changed(result);
      if (done) notifications.show({ color: "teal", message: done });
    },
    onError: (error) => notifications.show({ color: "red", title: "Not saved", message: describeError(error) }),
  });
}

export function TagsCard({ workspaceId, contact, canEdit }: Props) {
  const [adding, setAdding] = useState<string[]>([]);
  const path = { workspace_id: workspaceId, contact_id: contact.contact_id };
  const change = useChange(workspaceId, async (body: { add: string[]; remove: string[] }) =>
    unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}/tags", { params: { path }, body })),
  );
  return (
    <Card withBorder>
      <Stack gap="sm">
        <Title order={4}>Tags</Title>
        <Group gap={6} aria-label="Contact tags" role="list">
          {contact.tags.length === 0 && <Text size="sm" c="dimmed">No tags yet.</Text>}
          {contact.tags.map((tag) => (
            <Badge
              key={tag}
              role="listitem"
              variant="light"
              tt="none"
              rightSection={
                canEdit && (
                  <CloseButton size="xs" aria-label={`Remove tag ${tag}`} onClick={() => change.mutate({ add: [], remove: [tag] })} />
                )
              }
            >
              {tag}
            </Badge>
          ))}
        </Group>
        {canEdit && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              if (adding.length) change.mutate({ add: adding, remove: [] }, { onSuccess: () => setAdding([]) });
            }}
          >
            <Group align="flex-end" gap="xs" wrap="nowrap">
              <TagsInput label="Add tags" placeholder="Type, press Enter" value={adding} onChange={setAdding} style={{ flex: 1 }} />
              <Button type="submit" loading={change.isPending} disabled={!adding.length}>
                Add
              </Button>
            </Group>
          </form>
        )}
      </Stack>
    </Card>
  );
}

export function StageCard({ workspaceId, contact, canEdit }: Props) {
  const path = { workspace_id: workspaceId, contact_id: contact.contact_id };
  const change = useChange(
    workspaceId,
    async (stage: Stage) => unwrap(await api.PUT("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}/stage", { params: { path }, body: { stage } })),
    "Stage changed",
  );
  return (
    <Card withBorder>
      <Select
        label="Lifecycle stage"
        data={STAGES}
        value={contact.stage}
        allowDeselect={false}
        disabled={!canEdit || change.isPending}
        onChange={(stage) => stage && stage !== contact.stage && change.mutate(stage as Stage)}
      />
    </Card>
  );
}

export function ConsentCard({ workspaceId, contact, canEdit }: Props) {
  const [optingIn, optIn] = useDisclosure(false);
  const [optingOut, optOut] = useDisclosure(false);
  const state = consentOf(contact);
  const evidence = contact.consent?.opted_in;
  const path = { workspace_id: workspaceId, contact_id: contact.contact_id };
  const form = useForm({ initialValues: { source: "", wording: "", channel: "whatsapp" } });
  const changed = useContactChanged(workspaceId);
  const recordIn = useMutation({
    mutationFn: async (body: typeof form.values) => unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}/opt-in", { params: { path }, body })),
    onSuccess: (result) => {
      changed(result);
      optIn.close();
      form.reset();
      notifications.show({ color: "teal", message: "Opt-in recorded" });
    },
    onError: (error) => form.setErrors(formErrors(error)),
  });
  const recordOut = useChange(
    workspaceId,
    async () => unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}/opt-out", { params: { path }, body: { source: "agent", channel: "whatsapp" } })),
    "Opt-out recorded: nothing more is sent to this contact",
  );

  return (
    <Card withBorder>
      <Stack gap="xs">
        <Group justify="space-between">
          <Title order={4}>Consent</Title>
          <ConsentBadge state={state} />
        </Group>
        {state === "opted_in" && evidence && (
          <Text size="sm">
            Agreed via <b>{evidence.source}</b> on {formatTime(evidence.at)} ({evidence.channel}).
            {evidence.wording && <Text span c="dimmed" size="sm" display="block">“{evidence.wording}”</Text>}
          </Text>
        )}
        {state === "opted_out" && (
          <Text size="sm">
            Opted out on {formatTime(contact.consent?.opted_out_at)} via {contact.consent?.opted_out_source || "—"}.
          </Text>
        )}
        {state === "unknown" && <Text size="sm" c="dimmed">No opt-in evidence: campaigns leave this contact out.</Text>}
        {state !== "opted_in" && contact.source === "scraper" && (
          <Text size="sm" c="dimmed">
            Found by lead capture, so it came with no consent. Record an opt-in only once the person has agreed to hear from you.
          </Text>
        )}
        {canEdit && (
          <Group gap="xs">
            {state !== "opted_in" && (
              <Button size="xs" variant="light" onClick={optIn.open}>
                Record opt-in
              </Button>
            )}
            {state !== "opted_out" && (
              <Button size="xs" variant="light" color="red" onClick={optOut.open}>
                Opt out
              </Button>
            )}
          </Group>
        )}
      </Stack>
      <Modal opened={optingIn} onClose={optIn.close} title="Record an opt-in">
        <form onSubmit={form.onSubmit((v) => recordIn.mutate(v))}>
          <Stack>
            <TextInput label="Where they agreed" placeholder="Checkout form, in-store sign-up…" required {...form.getInputProps("source")} />
            <Textarea label="The wording they agreed to" autosize minRows={2} {...form.getInputProps("wording")} />
            <TextInput label="Channel" {...form.getInputProps("channel")} />
            <Group justify="flex-end">
              <Button type="submit" loading={recordIn.isPending}>
                Record opt-in
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
      <Modal opened={optingOut} onClose={optOut.close} title="Opt this contact out?">
        <Stack>
          <Text size="sm">No campaign or flow will message them again until they opt in anew.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={optOut.close}>
              Cancel
            </Button>
            <Button color="red" loading={recordOut.isPending} onClick={() => recordOut.mutate(undefined, { onSuccess: optOut.close })}>
              Opt out
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Card>
  );
}
