import { Button, Group, Modal, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { useEffect } from "react";

import { formErrors } from "../../../api/problems";

// Asks for a flow name: for renaming and for duplicating.
export function NameModal({
  opened,
  title,
  submitLabel,
  initial,
  onClose,
  onSubmit,
}: {
  opened: boolean;
  title: string;
  submitLabel: string;
  initial: string;
  onClose: () => void;
  onSubmit: (name: string) => Promise<unknown>;
}) {
  const form = useForm({
    initialValues: { name: initial },
    validate: { name: (v) => (!v.trim() ? "Name is required" : v.length > 200 ? "Name: at most 200 characters" : null) },
  });
  const { setValues, resetDirty } = form;
  useEffect(() => {
    if (opened) {
      setValues({ name: initial });
      resetDirty({ name: initial });
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps -- reset only when (re)opened
  }, [opened, initial]);

  return (
    <Modal opened={opened} onClose={onClose} title={title}>
      <form
        onSubmit={form.onSubmit(async ({ name }) => {
          try {
            await onSubmit(name.trim());
            onClose();
          } catch (error) {
            form.setErrors({ name: formErrors(error).name ?? (error instanceof Error ? error.message : String(error)) });
          }
        })}
      >
        <Stack>
          <TextInput label="Name" data-autofocus withAsterisk {...form.getInputProps("name")} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>Cancel</Button>
            <Button type="submit" loading={form.submitting}>{submitLabel}</Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
