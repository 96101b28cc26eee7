import { Alert, Button, PasswordInput, SimpleGrid, Stack, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";

import { ApiError, describeError, formErrors } from "../../../api/problems";
import { useConnectCloudApi } from "../mutations";

// Meta's Cloud API credentials. The gateway checks them live against Meta and names the field
// that is wrong, so the form only insists that each is filled in.
export function CloudApiForm({ workspaceId, onConnected }: { workspaceId: string; onConnected: () => void }) {
  const connect = useConnectCloudApi(workspaceId);
  const required = (label: string) => (v: string) => (v.trim() ? null : `${label} is required`);
  const form = useForm({
    initialValues: {
      name: "",
      phone_number_id: "",
      business_account_id: "",
      access_token: "",
      app_secret: "",
      verify_token: "",
    },
    validate: {
      phone_number_id: required("Phone number ID"),
      business_account_id: required("WhatsApp Business Account ID"),
      access_token: required("Access token"),
      app_secret: required("App secret"),
      verify_token: required("Verify token"),
    },
  });
  const banner = connect.error && !(connect.error instanceof ApiError && connect.error.errors.length > 0);

  return (
    <form
      noValidate
      onSubmit={form.onSubmit((v) =>
        connect.mutate(
          {
            name: v.name.trim(),
            phone_number_id: v.phone_number_id.trim(),
            business_account_id: v.business_account_id.trim(),
            access_token: v.access_token.trim(),
            app_secret: v.app_secret.trim(),
            verify_token: v.verify_token.trim(),
            // The API's defaults: Meta's standard rate, ramped up gently on a new number.
            messages_per_second: 80,
            warmup: true,
          },
          { onSuccess: onConnected, onError: (e) => form.setErrors(formErrors(e)) },
        ),
      )}
    >
      <Stack gap="sm">
        {banner && (
          <Alert color="red" role="alert" title="The number was not connected">
            {describeError(connect.error)}
          </Alert>
        )}
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <TextInput label="Phone number ID" required inputMode="numeric" {...form.getInputProps("phone_number_id")} />
          <TextInput
            label="WhatsApp Business Account ID"
            required
            inputMode="numeric"
            {...form.getInputProps("business_account_id")}
          />
        </SimpleGrid>
        <PasswordInput
          label="Access token"
          description="A system-user token with whatsapp_business_messaging; stored sealed."
          required
          {...form.getInputProps("access_token")}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <PasswordInput label="App secret" required {...form.getInputProps("app_secret")} />
          <TextInput
            label="Verify token"
            description="Any phrase; enter the same in Meta's webhook setup."
            required
            {...form.getInputProps("verify_token")}
          />
        </SimpleGrid>
        <TextInput label="Display name (optional)" {...form.getInputProps("name")} />
        <Button type="submit" loading={connect.isPending} variant="default" style={{ alignSelf: "flex-start" }}>
          Check and connect
        </Button>
      </Stack>
    </form>
  );
}
