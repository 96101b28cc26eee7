import {
  Alert,
  Anchor,
  Button,
  Group,
  Modal,
  NumberInput,
  PasswordInput,
  SimpleGrid,
  Stack,
  Switch,
  Text,
  TextInput,
} from "@mantine/core";
import { useForm } from "@mantine/form";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useState } from "react";

import { formErrors, ApiError } from "../../../api/problems";
import type { ChannelView } from "./health";
import { useConnectCloudApi } from "./queries";
import { cloudApiRules, MAX_RATE, MIN_RATE, splitApiErrors, type CloudApiValues } from "../shared/validation";

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

/** Connect a WhatsApp Cloud API number; the API checks the credentials with Meta live. */
export function CloudApiModal({
  workspaceId,
  opened,
  onClose,
  onConnected,
}: {
  workspaceId: string;
  opened: boolean;
  onClose: () => void;
  onConnected: (channel: ChannelView) => void;
}) {
  const connect = useConnectCloudApi(workspaceId);
  const [problem, setProblem] = useState<{ message: string; rules: string[] } | null>(null);
  const form = useForm<CloudApiValues>({ initialValues: EMPTY, validate: cloudApiRules });

  function close() {
    form.reset();
    setProblem(null);
    onClose();
  }

  const submit = form.onSubmit(async (values) => {
    setProblem(null);
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
      const { onFields, general } = splitApiErrors(formErrors(error), FIELDS);
      form.setErrors(onFields);
      const message = error instanceof ApiError ? error.message : String(error);
      setProblem({ message, rules: general });
    }
  });

  return (
    <Modal opened={opened} onClose={close} title="Connect a Cloud API number" size="lg">
      <form onSubmit={submit} noValidate>
        <Stack>
          <Text size="sm" c="dimmed">
            Copy these from your Meta app: WhatsApp Manager shows the phone number ID and the
            WhatsApp Business Account ID; the access token is a system user&apos;s permanent token; the app
            secret is under App settings → Basic. Choose any verify token: you will paste it into Meta&apos;s
            webhook settings next.{" "}
            <Anchor href="https://developers.facebook.com/docs/whatsapp/cloud-api/get-started" target="_blank" rel="noreferrer">
              Meta&apos;s guide
            </Anchor>
          </Text>
          {problem && (
            <Alert color="red" icon={<IconAlertTriangle />} title={problem.message} role="alert">
              {problem.rules.length > 0 ? problem.rules.join("; ") : "Check the highlighted fields."}
            </Alert>
          )}
          <TextInput label="Name" description="How the app shows this number" {...form.getInputProps("name")} />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              label="Phone number ID"
              required
              inputMode="numeric"
              {...form.getInputProps("phone_number_id")}
            />
            <TextInput
              label="WhatsApp Business Account ID"
              required
              inputMode="numeric"
              {...form.getInputProps("business_account_id")}
            />
          </SimpleGrid>
          <PasswordInput
            label="Access token"
            description="Stored sealed; never shown again"
            required
            {...form.getInputProps("access_token")}
          />
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <PasswordInput label="App secret" required {...form.getInputProps("app_secret")} />
            <TextInput label="Verify token" required {...form.getInputProps("verify_token")} />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <NumberInput
              label="Messages per second"
              min={MIN_RATE}
              max={MAX_RATE}
              allowDecimal={false}
              {...form.getInputProps("messages_per_second")}
            />
            <Switch
              mt="lg"
              label="Warm up (start slow, double daily)"
              {...form.getInputProps("warmup", { type: "checkbox" })}
            />
          </SimpleGrid>
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" loading={connect.isPending}>
              Check and connect
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
