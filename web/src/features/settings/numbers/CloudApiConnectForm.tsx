import { Alert, Anchor, Button, Group, NumberInput, PasswordInput, SimpleGrid, Stack, Switch, Text, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useState } from "react";

import { ApiError, formErrors, planRefusal } from "../../../api/problems";
import { PlanLimitAlert } from "../../../components/PlanLimitAlert";
import { cloudApiRules, MAX_RATE, MIN_RATE, splitApiErrors, type CloudApiValues } from "../shared/validation";
import type { ChannelView } from "./health";
import { useConnectCloudApi } from "./queries";

const FIELDS = [
  "name",
  "phone_number_id",
  "business_account_id",
  "access_token",
  "app_secret",
  "verify_token",
  "messages_per_second",
  "warmup",
] as const;

// The API's defaults: Meta's standard rate, ramped up gently on a new number.
const EMPTY: CloudApiValues = {
  name: "",
  phone_number_id: "",
  business_account_id: "",
  access_token: "",
  app_secret: "",
  verify_token: "",
  messages_per_second: 80,
  warmup: true,
};

/**
 * Connect a WhatsApp Cloud API number: the settings page's dialog and the guided tour's step.
 * The form catches most mistakes with messaging's own rules; the API then checks the
 * credentials with Meta live and its field errors land on the fields. `sendingSettings`
 * shows the rate and warm-up (the tour leaves them at the API's defaults).
 */
export function CloudApiConnectForm({
  workspaceId,
  onConnected,
  onCancel,
  sendingSettings = true,
}: {
  workspaceId: string;
  onConnected: (channel: ChannelView) => void;
  onCancel?: () => void;
  sendingSettings?: boolean;
}) {
  const connect = useConnectCloudApi(workspaceId);
  const [problem, setProblem] = useState<{ message: string; rules: string[] } | null>(null);
  const [refused, setRefused] = useState<unknown>(null);
  const form = useForm<CloudApiValues>({ initialValues: EMPTY, validate: cloudApiRules });

  const submit = form.onSubmit(async (values) => {
    setProblem(null);
    setRefused(null);
    try {
      const channel = await connect.mutateAsync({
        ...values,
        name: values.name.trim(),
        phone_number_id: values.phone_number_id.trim(),
        business_account_id: values.business_account_id.trim(),
      });
      form.reset();
      onConnected(channel);
    } catch (error) {
      if (planRefusal(error)) return setRefused(error);
      const { onFields, general } = splitApiErrors(formErrors(error), FIELDS);
      form.setErrors(onFields);
      const message = error instanceof ApiError ? error.message : String(error);
      setProblem({ message, rules: general });
    }
  });

  return (
    <form onSubmit={submit} noValidate>
      <Stack>
        <Text size="sm" c="dimmed">
          Copy these from your Meta app: WhatsApp Manager shows the phone number ID and the WhatsApp Business
          Account ID; the access token is a system user&apos;s permanent token; the app secret is under App
          settings → Basic. Choose any verify token: you will paste it into Meta&apos;s webhook settings next.{" "}
          <Anchor href="https://developers.facebook.com/docs/whatsapp/cloud-api/get-started" target="_blank" rel="noreferrer">
            Meta&apos;s guide
          </Anchor>
        </Text>
        <PlanLimitAlert error={refused} title="Not connected: your plan's limit" />
        {problem && (
          <Alert color="red" icon={<IconAlertTriangle />} title={problem.message} role="alert">
            {problem.rules.length > 0 ? problem.rules.join("; ") : "Check the highlighted fields."}
          </Alert>
        )}
        <TextInput label="Name" description="Optional: how the app shows this number" {...form.getInputProps("name")} />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
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
          description="A system user's token with whatsapp_business_messaging; stored sealed, never shown again"
          required
          {...form.getInputProps("access_token")}
        />
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <PasswordInput label="App secret" required {...form.getInputProps("app_secret")} />
          <TextInput
            label="Verify token"
            description="Any phrase; enter the same in Meta's webhook setup"
            required
            {...form.getInputProps("verify_token")}
          />
        </SimpleGrid>
        {sendingSettings && (
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput
              label="Messages per second"
              min={MIN_RATE}
              max={MAX_RATE}
              allowDecimal={false}
              {...form.getInputProps("messages_per_second")}
            />
            <Switch mt="lg" label="Warm up (start slow, double daily)" {...form.getInputProps("warmup", { type: "checkbox" })} />
          </SimpleGrid>
        )}
        <Group justify="flex-end">
          {onCancel && (
            <Button variant="default" onClick={onCancel}>
              Cancel
            </Button>
          )}
          <Button type="submit" loading={connect.isPending}>
            Check and connect
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
