import { Alert, Button, Group, Select, Stack, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";

import { ApiError, formErrors, planRefusal } from "../../../api/problems";
import { PlanLimitAlert } from "../../../components/PlanLimitAlert";
import { CopyField } from "../shared/CopyField";
import { grantableRoles, ROLE_LABELS, type Role, type RoleTable } from "../shared/roles";
import { isEmail, splitApiErrors } from "../shared/validation";
import { invitationLink, useInvite, type CreatedInvitation } from "./queries";

/** Invite by email with a role; the accept link is shown to copy (no email is sent). */
export function InviteForm({
  workspaceId,
  myRole,
  table,
  created,
  onCreated,
}: {
  workspaceId: string;
  myRole: string | undefined;
  table: RoleTable | undefined;
  created: CreatedInvitation | null;
  onCreated: (created: CreatedInvitation) => void;
}) {
  const invite = useInvite(workspaceId);
  const roles = grantableRoles(table, myRole);
  const form = useForm<{ email: string; role: Role }>({
    initialValues: { email: "", role: roles.includes("editor") ? "editor" : (roles[roles.length - 1] ?? "viewer") },
    validate: {
      email: (value) => (isEmail(value) ? null : "Email must be an address like name@example.com"),
      role: (value) => (roles.includes(value) ? null : "Role must be one you may grant"),
    },
  });

  const submit = form.onSubmit(async (values) => {
    try {
      const result = await invite.mutateAsync({ email: values.email.trim(), role: values.role });
      form.reset();
      onCreated(result);
    } catch (error) {
      form.setErrors(splitApiErrors(formErrors(error), ["email", "role"]).onFields);
    }
  });

  return (
    <Stack gap="sm">
      <form onSubmit={submit} noValidate>
        <Group align="flex-start" wrap="wrap">
          <TextInput label="Email" type="email" placeholder="teammate@example.com" w={280} {...form.getInputProps("email")} />
          <Select
            label="Role"
            w={160}
            allowDeselect={false}
            data={roles.map((role) => ({ value: role, label: ROLE_LABELS[role] }))}
            {...form.getInputProps("role")}
          />
          <Button type="submit" mt={25} loading={invite.isPending}>
            Invite
          </Button>
        </Group>
        <PlanLimitAlert error={invite.error} mt="sm" />
        {invite.error instanceof ApiError && invite.error.errors.length === 0 && !planRefusal(invite.error) && (
          <Alert color="red" mt="sm" role="alert">
            {invite.error.message}
          </Alert>
        )}
      </form>
      {created && (
        <Alert color="teal" title={`Invitation for ${created.invitation.email} created`}>
          <Stack gap="xs">
            <Text size="sm">
              No email is sent: copy this link and send it to them. It works once, for {created.invitation.email}{" "}
              only, until {new Date(created.invitation.expires_at).toLocaleString()}.
            </Text>
            <CopyField label="Invitation link" value={invitationLink(window.location.origin, created.token)} />
          </Stack>
        </Alert>
      )}
    </Stack>
  );
}
