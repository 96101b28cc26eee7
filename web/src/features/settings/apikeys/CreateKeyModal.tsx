import { Alert, Button, Checkbox, Group, Modal, Select, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useState } from "react";

import { ApiError, formErrors, planRefusal } from "../../../api/problems";
import { PlanLimitAlert } from "../../../components/PlanLimitAlert";
import { CopyField } from "../shared/CopyField";
import { grantableRoles, isRole, permissionGroups, permissionsOf, ROLE_LABELS, type RoleTable } from "../shared/roles";
import { splitApiErrors } from "../shared/validation";
import { useCreateApiKey, type CreatedApiKey } from "./queries";

interface Values {
  name: string;
  preset: string;
  permissions: string[];
}

/** Create a key with at most the creator's permissions, then show its secret once. */
export function CreateKeyModal({
  workspaceId,
  table,
  myRole,
  opened,
  onClose,
}: {
  workspaceId: string;
  table: RoleTable;
  myRole: string | undefined;
  opened: boolean;
  onClose: () => void;
}) {
  const create = useCreateApiKey(workspaceId);
  const [created, setCreated] = useState<CreatedApiKey | null>(null);
  const mine = permissionsOf(table, myRole);
  const presets = grantableRoles(table, myRole);
  const form = useForm<Values>({
    initialValues: { name: "", preset: "viewer", permissions: [...permissionsOf(table, "viewer")] },
    validate: {
      name: (value) => (value.trim() === "" ? "Name is required" : value.length > 200 ? "Name must be at most 200 characters" : null),
      permissions: (value) => (value.length === 0 ? "Permissions must name at least one" : null),
    },
  });

  function close() {
    onClose();
  }

  // Reset only once the modal has faded out, so the secret does not flash back to the form.
  function cleared() {
    form.reset();
    setCreated(null);
    create.reset();
  }

  const submit = form.onSubmit(async (values) => {
    try {
      setCreated(await create.mutateAsync({ name: values.name.trim(), permissions: values.permissions }));
    } catch (error) {
      form.setErrors(splitApiErrors(formErrors(error), ["name", "permissions"]).onFields);
    }
  });

  return (
    <Modal
      opened={opened}
      onClose={close}
      onExitTransitionEnd={cleared}
      title={created ? "Your new API key" : "Create an API key"}
      size="lg"
      closeOnClickOutside={!created}
    >
      {created ? (
        <Stack>
          <Alert color="yellow" icon={<IconAlertTriangle />} title="Copy the key now: it is shown only once">
            Parley keeps only a hash of it. If you lose it, revoke it and create another. Treat it like a password:
            anyone with it acts on this workspace with its permissions.
          </Alert>
          <CopyField label="Secret key" value={created.key} />
          <Text size="sm" c="dimmed">
            Send it as <code>Authorization: Bearer &lt;key&gt;</code>.
          </Text>
          <Group justify="flex-end">
            <Button onClick={close}>I have copied it</Button>
          </Group>
        </Stack>
      ) : (
        <form onSubmit={submit} noValidate>
          <Stack>
            <PlanLimitAlert error={create.error} />
            {create.error instanceof ApiError && create.error.errors.length === 0 && !planRefusal(create.error) && (
              <Alert color="red" role="alert">
                {create.error.message}
              </Alert>
            )}
            <TextInput label="Name" description="Where the key is used, e.g. “CRM sync”" required {...form.getInputProps("name")} />
            <Select
              label="Start from a role"
              description="Fills in that role's permissions; adjust them below"
              allowDeselect={false}
              data={presets.map((role) => ({ value: role, label: ROLE_LABELS[role] }))}
              value={form.values.preset}
              onChange={(value) => {
                if (!isRole(value ?? undefined)) return;
                form.setFieldValue("preset", value as string);
                form.setFieldValue("permissions", [...permissionsOf(table, value ?? undefined)]);
              }}
            />
            <Checkbox.Group label="Permissions" description="At most your own" {...form.getInputProps("permissions")}>
              <Stack mt="xs" gap={6}>
                {permissionGroups(mine).map((group) => (
                  <Group key={group.group} gap="md" wrap="wrap">
                    <Text size="sm" fw={600} w={96} tt="capitalize">
                      {group.group.replace("_", " ")}
                    </Text>
                    {group.items.map((permission) => (
                      <Checkbox key={permission} value={permission} label={permission} />
                    ))}
                  </Group>
                ))}
              </Stack>
            </Checkbox.Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending}>
                Create key
              </Button>
            </Group>
          </Stack>
        </form>
      )}
    </Modal>
  );
}
