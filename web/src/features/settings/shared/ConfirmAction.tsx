import { Alert, Button, Group, Modal, Stack, Text, Tooltip, type ButtonProps } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconAlertTriangle } from "@tabler/icons-react";
import { useState, type ReactNode } from "react";

import { describeError } from "../../../api/problems";

/** A button that asks before doing something hard to undo, and shows the API's refusal. */
export function ConfirmAction({
  label,
  title,
  confirmLabel,
  children,
  onConfirm,
  buttonProps,
  ariaLabel,
  disabledReason,
}: {
  label: ReactNode;
  title: string;
  confirmLabel: string;
  children: ReactNode;
  onConfirm: () => Promise<unknown>;
  buttonProps?: ButtonProps;
  ariaLabel?: string;
  /** Why the action is not possible now; shown as the disabled button's tooltip. */
  disabledReason?: string;
}) {
  const [opened, { open, close }] = useDisclosure(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  async function confirm() {
    setBusy(true);
    setError(null);
    try {
      await onConfirm();
      close();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <Tooltip label={disabledReason} disabled={!disabledReason} multiline w={260}>
        <Button
          color="red"
          variant="light"
          size="xs"
          // Not `disabled`: a disabled button gets no hover or focus, so its tooltip would never show.
          onClick={disabledReason ? undefined : open}
          aria-label={ariaLabel}
          aria-disabled={disabledReason ? true : undefined}
          data-disabled={disabledReason ? true : undefined}
          {...buttonProps}
        >
          {label}
        </Button>
      </Tooltip>
      <Modal opened={opened} onClose={close} title={title} centered>
        <Stack>
          <Text size="sm">{children}</Text>
          {error !== null && (
            <Alert color="red" icon={<IconAlertTriangle />} role="alert">
              {describeError(error)}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={close} disabled={busy}>
              Cancel
            </Button>
            <Button color="red" onClick={confirm} loading={busy}>
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
