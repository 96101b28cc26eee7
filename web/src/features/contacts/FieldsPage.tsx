import { ActionIcon, Anchor, Breadcrumbs, Button, Card, Group, Modal, Select, Stack, Table, TagsInput, Text, TextInput, Title, Tooltip } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconPencil, IconPlus, IconTrash } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link } from "react-router";

import { api, unwrap } from "../../api/client";
import { describeError, formErrors } from "../../api/problems";
import { EmptyState, QueryState } from "../../components/PageState";
import { usePermissions } from "../../state/permissions";
import { useWorkspaceId } from "../../state/workspace";
import { FIELD_TYPES, type FieldDefinition, type FieldType } from "./model";
import { keys, useFields } from "./queries";

const KEY = /^[a-z][a-z0-9_]{0,39}$/;

function FieldModal({ workspaceId, editing, onClose }: { workspaceId: string; editing: FieldDefinition | "new" | null; onClose: () => void }) {
  const client = useQueryClient();
  const existing = editing !== "new" ? editing : null;
  const form = useForm({
    initialValues: { key: existing?.key ?? "", label: existing?.label ?? "", type: (existing?.type ?? "text") as FieldType, choices: existing?.choices ?? [] },
    validate: {
      key: (v) => (KEY.test(v) ? null : "Key: a lowercase letter, then letters, digits or _ (at most 40)"),
      label: (v) => (v.trim() ? null : "Label is required"),
      choices: (v, values) => (values.type === "choice" && !v.length ? "A choice field needs at least one choice" : null),
    },
  });
  const save = useMutation({
    mutationFn: async (v: typeof form.values) =>
      unwrap(
        await api.PUT("/api/v1/workspaces/{workspace_id}/fields/{key}", {
          params: { path: { workspace_id: workspaceId, key: v.key } },
          body: { label: v.label.trim(), type: v.type, choices: v.type === "choice" ? v.choices : [] },
        }),
      ),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.fields(workspaceId) });
      notifications.show({ color: "teal", message: "Field saved" });
      onClose();
    },
    onError: (error) => form.setErrors(formErrors(error)),
  });
  return (
    <Modal opened={editing !== null} onClose={onClose} title={existing ? `Edit field ${existing.key}` : "New custom field"}>
      <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
        <Stack>
          <TextInput label="Key" description="Used in imports (field:key) and templates ({{contact.fields.key}})" disabled={!!existing} {...form.getInputProps("key")} />
          <TextInput label="Label" {...form.getInputProps("label")} />
          <Select label="Type" data={FIELD_TYPES} allowDeselect={false} disabled={!!existing} {...form.getInputProps("type")} />
          {form.values.type === "choice" && <TagsInput label="Choices" placeholder="Type a choice, press Enter" {...form.getInputProps("choices")} />}
          {save.error && !Object.keys(formErrors(save.error)).length && (
            <Text c="red" size="sm" role="alert">
              {describeError(save.error)}
            </Text>
          )}
          <Group justify="flex-end">
            <Button type="submit" loading={save.isPending}>
              Save field
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}

export function FieldsPage() {
  const workspaceId = useWorkspaceId();
  const canWrite = usePermissions(workspaceId)("fields:write");
  const fields = useFields(workspaceId);
  const client = useQueryClient();
  const [editing, setEditing] = useState<FieldDefinition | "new" | null>(null);
  const [deleting, setDeleting] = useState<FieldDefinition | null>(null);
  const remove = useMutation({
    mutationFn: async (key: string) =>
      unwrap(await api.DELETE("/api/v1/workspaces/{workspace_id}/fields/{key}", { params: { path: { workspace_id: workspaceId, key } } })),
    onSuccess: () => {
      void client.invalidateQueries({ queryKey: keys.fields(workspaceId) });
      setDeleting(null);
    },
    onError: (error) => notifications.show({ color: "red", title: "Not deleted", message: describeError(error) }),
  });

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/w/${workspaceId}/contacts`}>
          Contacts
        </Anchor>
        <Text>Custom fields</Text>
      </Breadcrumbs>
      <Group justify="space-between">
        <Title order={2}>Custom fields</Title>
        {canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={() => setEditing("new")}>
            New field
          </Button>
        )}
      </Group>
      <QueryState query={fields} loading="Loading the fields…">
        {(list) =>
          list.length === 0 ? (
            <EmptyState title="No custom fields">Define fields (plan, city, birthday…) to keep typed values on each contact, import them and use them in templates.</EmptyState>
          ) : (
            <Card withBorder p={0}>
              <Table.ScrollContainer minWidth={600}>
                <Table aria-label="Custom fields" verticalSpacing="sm">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Key</Table.Th>
                      <Table.Th>Label</Table.Th>
                      <Table.Th>Type</Table.Th>
                      <Table.Th>Choices</Table.Th>
                      <Table.Th aria-label="Actions" />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {list.map((f) => (
                      <Table.Tr key={f.key}>
                        <Table.Td ff="monospace">{f.key}</Table.Td>
                        <Table.Td>{f.label}</Table.Td>
                        <Table.Td>{FIELD_TYPES.find((t) => t.value === f.type)?.label ?? f.type}</Table.Td>
                        <Table.Td>{f.choices.join(", ") || "—"}</Table.Td>
                        <Table.Td>
                          {canWrite && (
                            <Group gap={4} justify="flex-end" wrap="nowrap">
                              <Tooltip label="Edit">
                                <ActionIcon variant="subtle" aria-label={`Edit field ${f.key}`} onClick={() => setEditing(f)}>
                                  <IconPencil size={16} />
                                </ActionIcon>
                              </Tooltip>
                              <Tooltip label="Delete">
                                <ActionIcon variant="subtle" color="red" aria-label={`Delete field ${f.key}`} onClick={() => setDeleting(f)}>
                                  <IconTrash size={16} />
                                </ActionIcon>
                              </Tooltip>
                            </Group>
                          )}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          )
        }
      </QueryState>
      {editing !== null && <FieldModal workspaceId={workspaceId} editing={editing} onClose={() => setEditing(null)} />}
      <Modal opened={deleting !== null} onClose={() => setDeleting(null)} title={`Delete field ${deleting?.key ?? ""}?`}>
        <Stack>
          <Text size="sm">Every contact's value of this field is removed too. Segments and campaigns that use it stop matching.</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setDeleting(null)}>
              Cancel
            </Button>
            <Button color="red" loading={remove.isPending} onClick={() => deleting && remove.mutate(deleting.key)}>
              Delete field
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
