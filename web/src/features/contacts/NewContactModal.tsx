import { Button, Group, Modal, Select, Stack, TagsInput, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { ApiError, describeError, formErrors } from "../../api/problems";
import { STAGES, type Stage } from "./model";
import { useContactChanged } from "./queries";

interface Values {
  phone: string;
  name: string;
  language: string;
  time_zone: string;
  tags: string[];
  stage: Stage;
}

export function NewContactModal({ workspaceId, opened, onClose }: { workspaceId: string; opened: boolean; onClose: () => void }) {
  const changed = useContactChanged(workspaceId);
  const form = useForm<Values>({
    initialValues: { phone: "", name: "", language: "", time_zone: "", tags: [], stage: "new" },
    validate: { phone: (v) => (v.trim() ? null : "Phone is required: a number in any common notation, e.g. +351 912 345 678") },
  });
  const create = useMutation({
    mutationFn: async (v: Values) =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/contacts", {
          params: { path: { workspace_id: workspaceId } },
          body: {
            phone: v.phone.trim(),
            user_id: "",
            name: v.name.trim() || null,
            language: v.language.trim() || null,
            time_zone: v.time_zone.trim() || null,
            tags: v.tags,
            stage: v.stage,
          },
        }),
      ),
    onSuccess: (result) => {
      changed(result);
      notifications.show({ color: "teal", message: "Contact created" });
      form.reset();
      onClose();
    },
    onError: (error) => form.setErrors(formErrors(error)),
  });
  const unplaced = create.error instanceof ApiError && !create.error.errors.some((e) => e.field.replace(/^body\./, "") in form.values);

  return (
    <Modal opened={opened} onClose={onClose} title="New contact">
      <form onSubmit={form.onSubmit((v) => create.mutate(v))} noValidate>
        <Stack>
          <TextInput label="Phone" placeholder="+351 912 345 678" required {...form.getInputProps("phone")} />
          <TextInput label="Name" {...form.getInputProps("name")} />
          <Group grow>
            <TextInput label="Language" placeholder="pt, en-GB" {...form.getInputProps("language")} />
            <TextInput label="Time zone" placeholder="Europe/Lisbon" {...form.getInputProps("time_zone")} />
          </Group>
          <TagsInput label="Tags" placeholder="Type a tag, press Enter" {...form.getInputProps("tags")} />
          <Select label="Stage" data={STAGES} allowDeselect={false} {...form.getInputProps("stage")} />
          {unplaced && (
            <Text c="red" size="sm" role="alert">
              {describeError(create.error)}
            </Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={create.isPending}>
              Create contact
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
