import { ActionIcon, Group, Text, Textarea } from "@mantine/core";
import { IconSend } from "@tabler/icons-react";
import { useState, type FormEvent, type KeyboardEvent } from "react";

import { describeError } from "../../../api/problems";

const MAX_TEXT = 4096;

// Where the customer types. Enter sends, Shift+Enter breaks the line, as on WhatsApp Web.
export function Composer({
  disabled,
  sending,
  error,
  onSend,
}: {
  disabled: boolean;
  sending: boolean;
  error: unknown;
  onSend: (text: string) => Promise<unknown>;
}) {
  const [text, setText] = useState("");
  const trimmed = text.trim();
  const tooLong = text.length > MAX_TEXT;

  async function send(event?: FormEvent) {
    event?.preventDefault();
    if (!trimmed || tooLong || disabled || sending) return;
    try {
      await onSend(trimmed);
      setText("");
    } catch {
      // shown below from the mutation's error; the text stays so it can be sent again
    }
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  }

  return (
    <form onSubmit={send}>
      <Group gap="xs" align="flex-end" wrap="nowrap" p="xs">
        <Textarea
          aria-label="Message"
          placeholder={disabled ? "Choose a sandbox number and a valid phone first" : "Write as the customer…"}
          autosize
          minRows={1}
          maxRows={4}
          style={{ flex: 1 }}
          value={text}
          onChange={(e) => setText(e.currentTarget.value)}
          onKeyDown={onKeyDown}
          disabled={disabled}
          error={tooLong ? `Message: at most ${MAX_TEXT} characters` : undefined}
        />
        <ActionIcon
          type="submit"
          size="lg"
          radius="xl"
          aria-label="Send"
          loading={sending}
          disabled={disabled || !trimmed || tooLong}
        >
          <IconSend size={18} />
        </ActionIcon>
      </Group>
      {error != null && (
        <Text size="xs" c="red" px="xs" pb="xs" role="alert">
          Not sent: {describeError(error)}
        </Text>
      )}
    </form>
  );
}
