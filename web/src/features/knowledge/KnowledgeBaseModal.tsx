import { Button, Group, Modal, Stack, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useNavigate } from "react-router";

import { FormProblems } from "./FormProblems";
import { placeErrors, type KnowledgeBase } from "./model";
import { useCreateKnowledgeBase, useRenameKnowledgeBase, type BaseValues } from "./queries";

const FIELDS = ["name", "description"] as const;

/** Creates a knowledge base (then opens it), or renames `existing`. */
export function KnowledgeBaseModal({
  workspaceId,
  existing,
  opened,
  onClose,
}: {
  workspaceId: string;
  existing?: KnowledgeBase;
  opened: boolean;
  onClose: () => void;
}) {
  const navigate = useNavigate();
  const create = useCreateKnowledgeBase(workspaceId);
  const rename = useRenameKnowledgeBase(workspaceId, existing?.knowledge_base_id ?? "");
  const save = existing ? rename : create;
  const form = useForm<BaseValues>({
    initialValues: { name: existing?.name ?? "", description: existing?.description ?? "" },
    validate: {
      name: (v) => (!v.trim() ? "A name is required" : v.trim().length > 120 ? "At most 120 characters" : null),
      description: (v) => (v.length > 1000 ? "At most 1000 characters" : null),
    },
  });

  function submit(values: BaseValues) {
    save.mutate(
      { name: values.name.trim(), description: values.description.trim() },
      {
        onSuccess: (view) => {
          notifications.show({ color: "teal", message: existing ? "Knowledge base renamed" : "Knowledge base created" });
          onClose();
          if (!existing && view?.knowledge_base_id) navigate(`/w/${workspaceId}/knowledge/${view.knowledge_base_id}`);
          else form.resetDirty();
        },
        onError: (error) => form.setErrors(placeErrors(error, FIELDS).fields),
      },
    );
  }

  return (
    <Modal opened={opened} onClose={onClose} title={existing ? "Rename the knowledge base" : "New knowledge base"}>
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack>
          <TextInput label="Name" placeholder="Help centre" required data-autofocus {...form.getInputProps("name")} />
          <Textarea label="Description" description="For your team: what these documents cover" autosize minRows={2} {...form.getInputProps("description")} />
          <FormProblems error={save.error} fields={FIELDS} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {existing ? "Save" : "Create"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
