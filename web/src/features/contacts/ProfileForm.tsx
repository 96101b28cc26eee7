import { Button, Card, Group, NumberInput, Select, SimpleGrid, Stack, Text, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import { formErrors } from "../../api/problems";
import type { Contact, FieldDefinition, FieldValue } from "./model";
import { useContactChanged } from "./queries";

// Form values are strings (or numbers for number fields); "" means the field is not set.
type Values = { name: string; language: string; time_zone: string; fields: Record<string, string | number> };

export function fieldInitial(def: FieldDefinition, value: FieldValue | undefined): string | number {
  if (value === undefined) return "";
  if (def.type === "boolean") return value ? "yes" : "no";
  return typeof value === "number" && def.type === "number" ? value : String(value);
}

export function fieldOutput(def: FieldDefinition, value: string | number): FieldValue | null {
  if (value === "" || value === null || value === undefined) return null;
  if (def.type === "boolean") return value === "yes";
  if (def.type === "number") return typeof value === "number" ? value : Number(value);
  return String(value);
}

function FieldInput({ def, props }: { def: FieldDefinition; props: ReturnType<ReturnType<typeof useForm<Values>>["getInputProps"]> }) {
  const label = def.label || def.key;
  switch (def.type) {
    case "number":
      return <NumberInput label={label} {...props} />;
    case "date":
      return <TextInput type="date" label={label} {...props} />;
    case "boolean":
      return <Select label={label} placeholder="Not set" data={[{ value: "yes", label: "Yes" }, { value: "no", label: "No" }]} clearable {...props} value={props.value || null} onChange={(v) => props.onChange(v ?? "")} />;
    case "choice":
      return <Select label={label} placeholder="Not set" data={def.choices} clearable {...props} value={props.value || null} onChange={(v) => props.onChange(v ?? "")} />;
    default:
      return <TextInput label={label} {...props} />;
  }
}

export function ProfileForm({ workspaceId, contact, fields, canEdit }: { workspaceId: string; contact: Contact; fields: FieldDefinition[]; canEdit: boolean }) {
  const changed = useContactChanged(workspaceId);
  const form = useForm<Values>({
    initialValues: {
      name: contact.name,
      language: contact.language,
      time_zone: contact.time_zone,
      fields: Object.fromEntries(fields.map((f) => [f.key, fieldInitial(f, contact.fields?.[f.key])])),
    },
  });
  const save = useMutation({
    mutationFn: async (v: Values) => {
      const changedFields: Record<string, FieldValue | null> = {};
      for (const def of fields) {
        if (form.isDirty(`fields.${def.key}`)) changedFields[def.key] = fieldOutput(def, v.fields[def.key] ?? "");
      }
      return unwrap(
        await api.PATCH("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}", {
          params: { path: { workspace_id: workspaceId, contact_id: contact.contact_id } },
          body: {
            name: form.isDirty("name") ? v.name.trim() : undefined,
            language: form.isDirty("language") ? v.language.trim() || null : undefined,
            time_zone: form.isDirty("time_zone") ? v.time_zone.trim() || null : undefined,
            fields: changedFields,
          },
        }),
      );
    },
    onSuccess: (result) => {
      changed(result);
      form.resetDirty();
      notifications.show({ color: "teal", message: "Profile saved" });
    },
    onError: (error) => form.setErrors(formErrors(error)),
  });

  return (
    <Card withBorder>
      <form onSubmit={form.onSubmit((v) => save.mutate(v))}>
        <Stack>
          <Title order={4}>Profile</Title>
          <fieldset disabled={!canEdit} style={{ border: 0, padding: 0, margin: 0 }}>
            <Stack>
              <TextInput label="Name" {...form.getInputProps("name")} />
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TextInput label="Language" placeholder="pt, en-GB" {...form.getInputProps("language")} />
                <TextInput label="Time zone" placeholder="Europe/Lisbon" {...form.getInputProps("time_zone")} />
              </SimpleGrid>
              {fields.length > 0 ? (
                <SimpleGrid cols={{ base: 1, sm: 2 }}>
                  {fields.map((def) => (
                    <FieldInput key={def.key} def={def} props={form.getInputProps(`fields.${def.key}`)} />
                  ))}
                </SimpleGrid>
              ) : (
                <Text size="sm" c="dimmed">
                  No custom fields: define them under Contacts → Custom fields.
                </Text>
              )}
            </Stack>
          </fieldset>
          {canEdit && (
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending} disabled={!form.isDirty()}>
                Save profile
              </Button>
            </Group>
          )}
        </Stack>
      </form>
    </Card>
  );
}
