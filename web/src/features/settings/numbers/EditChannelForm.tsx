import { Alert, Button, Group, NumberInput, PasswordInput, Stack, Switch, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";

import { ApiError, formErrors } from "../../../api/problems";
import type { ChannelView } from "./health";
import { useUpdateChannel, type ChannelChanges } from "./queries";
import { cloudApiRules, MAX_RATE, MIN_RATE, optional, splitApiErrors } from "../shared/validation";

interface Values {
  name: string;
  messages_per_second: number;
  warmup: boolean;
  access_token: string;
  app_secret: string;
  verify_token: string;
}

const FIELDS = ["name", "messages_per_second", "warmup", "access_token", "app_secret", "verify_token"];

/** What PATCH may change: the name, the rate cap, warm-up, and (Cloud API) rotated secrets. */
export function EditChannelForm({ workspaceId, channel }: { workspaceId: string; channel: ChannelView }) {
  const update = useUpdateChannel(workspaceId, channel.channel_id);
  const cloud = channel.provider === "cloud_api";
  const form = useForm<Values>({
    initialValues: {
      name: channel.name,
      messages_per_second: channel.messages_per_second,
      warmup: channel.warmup,
      access_token: "",
      app_secret: "",
      verify_token: "",
    },
    validate: {
      name: cloudApiRules.name,
      messages_per_second: cloudApiRules.messages_per_second,
      access_token: optional(cloudApiRules.access_token),
      app_secret: optional(cloudApiRules.app_secret),
      verify_token: optional(cloudApiRules.verify_token),
    },
  });

  const submit = form.onSubmit(async (values) => {
    // Only what changed goes out, so an untouched secret is never overwritten.
    const changes: ChannelChanges = {};
    if (values.name.trim() !== channel.name) changes.name = values.name.trim();
    if (values.messages_per_second !== channel.messages_per_second)
      changes.messages_per_second = values.messages_per_second;
    if (values.warmup !== channel.warmup) changes.warmup = values.warmup;
    for (const secret of ["access_token", "app_secret", "verify_token"] as const)
      if (values[secret].trim()) changes[secret] = values[secret].trim();
    if (Object.keys(changes).length === 0) {
      notifications.show({ message: "Nothing to save: no field changed." });
      return;
    }
    try {
      const saved = await update.mutateAsync(changes);
      form.setValues({ ...values, name: saved.name, access_token: "", app_secret: "", verify_token: "" });
      form.resetDirty();
      notifications.show({ color: "teal", message: `Saved ${saved.name || saved.channel_id}.` });
    } catch (error) {
      form.setErrors(splitApiErrors(formErrors(error), FIELDS).onFields);
    }
  });

  const disabled = channel.status === "disconnected";
  return (
    <form onSubmit={submit} noValidate>
      <Stack gap="sm">
        {update.error instanceof ApiError && (
          <Alert color="red" role="alert" title={update.error.message}>
            {update.error.errors.length ? "Check the highlighted fields." : null}
          </Alert>
        )}
        <TextInput label="Name" disabled={disabled} {...form.getInputProps("name")} />
        <NumberInput
          label="Messages per second (cap)"
          description="The number never sends faster; health and warm-up may slow it further"
          min={MIN_RATE}
          max={MAX_RATE}
          allowDecimal={false}
          disabled={disabled}
          {...form.getInputProps("messages_per_second")}
        />
        <Switch label="Warm up" disabled={disabled} {...form.getInputProps("warmup", { type: "checkbox" })} />
        {cloud && (
          <>
            <PasswordInput
              label="New access token"
              description="Leave blank to keep the current one; a new token is checked with WhatsApp"
              disabled={disabled}
              {...form.getInputProps("access_token")}
            />
            <PasswordInput label="New app secret" description="Leave blank to keep" disabled={disabled} {...form.getInputProps("app_secret")} />
            <TextInput label="New verify token" description="Leave blank to keep" disabled={disabled} {...form.getInputProps("verify_token")} />
          </>
        )}
        <Group justify="flex-end">
          <Button type="submit" loading={update.isPending} disabled={disabled}>
            Save changes
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
