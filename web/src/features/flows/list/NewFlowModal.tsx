import { Button, Group, Modal, Radio, SimpleGrid, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";

import { describeError, formErrors } from "../../../api/problems";
import { createFlow, flowKeys } from "../api";
import { FLOW_TEMPLATES } from "../templates";

// "New flow": a name, and a blank canvas or one of the templates.
export function NewFlowModal({ workspaceId, opened, onClose }: { workspaceId: string; opened: boolean; onClose: () => void }) {
  const navigate = useNavigate();
  const client = useQueryClient();
  const form = useForm({
    initialValues: { name: "", template: "blank" },
    validate: {
      name: (v) => (!v.trim() ? "Name is required" : v.length > 200 ? "Name: at most 200 characters" : null),
    },
  });
  const create = useMutation({
    mutationFn: async (values: typeof form.values) => {
      const template = FLOW_TEMPLATES.find((t) => t.key === values.template);
      return createFlow(workspaceId, values.name.trim(), template?.definition ?? null);
    },
    onSuccess: async (result) => {
      await client.invalidateQueries({ queryKey: flowKeys.all(workspaceId) });
      onClose();
      form.reset();
      navigate(`/w/${workspaceId}/flows/${result.flow_id}`);
    },
    onError: (error) => form.setErrors(formErrors(error)),
  });

  return (
    <Modal opened={opened} onClose={onClose} title="New flow" size="lg">
      <form onSubmit={form.onSubmit((values) => create.mutate(values))}>
        <Stack>
          <TextInput label="Name" placeholder="e.g. Welcome new customers" data-autofocus withAsterisk {...form.getInputProps("name")} />
          <Radio.Group label="Start from" {...form.getInputProps("template")}>
            <SimpleGrid cols={{ base: 1, sm: 2 }} mt="xs">
              <Radio.Card value="blank" p="sm" radius="md" aria-label="Blank flow">
                <Group wrap="nowrap" align="flex-start">
                  <Radio.Indicator />
                  <div>
                    <Text fw={600} size="sm">Blank flow</Text>
                    <Text size="xs" c="dimmed">An empty canvas.</Text>
                  </div>
                </Group>
              </Radio.Card>
              {FLOW_TEMPLATES.map((t) => (
                <Radio.Card key={t.key} value={t.key} p="sm" radius="md" aria-label={`Template ${t.name}`}>
                  <Group wrap="nowrap" align="flex-start">
                    <Radio.Indicator />
                    <div>
                      <Text fw={600} size="sm">{t.name}</Text>
                      <Text size="xs" c="dimmed">{t.description}</Text>
                    </div>
                  </Group>
                </Radio.Card>
              ))}
            </SimpleGrid>
          </Radio.Group>
          {create.error && !Object.keys(formErrors(create.error)).length && (
            <Text c="red" size="sm" role="alert">{describeError(create.error)}</Text>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={create.isPending}>Create flow</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
