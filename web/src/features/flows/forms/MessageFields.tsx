import { ActionIcon, Button, Checkbox, Fieldset, Group, Select, Stack, TagsInput, Text, TextInput, Textarea } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";

import type { MessageContent, MessageKind, NodeOf } from "../model/types";
import type { useNodeForm } from "./useNodeForm";

// The Send message node's message: text, media, reply buttons, a list or an approved template,
// with WhatsApp's limits (the contract's) as counters and checks.

type Form = ReturnType<typeof useNodeForm<NodeOf<"send_message">>>;

const KINDS: { value: MessageKind; label: string }[] = [
  { value: "text", label: "Text" },
  { value: "media", label: "Image, document, audio or video" },
  { value: "buttons", label: "Reply buttons" },
  { value: "list", label: "List" },
  { value: "template", label: "Approved template" },
];

function emptyMessage(kind: MessageKind, body: string): MessageContent {
  switch (kind) {
    case "text":
      return { kind, body, preview_url: false };
    case "media":
      return { kind, media_type: "image", url: "", caption: "", filename: "" };
    case "buttons":
      return { kind, body, footer: "", buttons: [] };
    case "list":
      return { kind, header: "", body, footer: "", button: "", sections: [{ title: "", rows: [] }] };
    case "template":
      return { kind, name: "", language: "en_US", body_parameters: [] };
  }
}

const counter = (value: string, max: number) => `${value.length}/${max}`;

export function MessageFields({ f }: { f: Form }) {
  const { form, bind } = f;
  const message = form.getValues().message;
  const body = "body" in message ? message.body : "";
  return (
    <Stack gap="sm">
      <Select
        label="Message type"
        data={KINDS}
        allowDeselect={false}
        value={message.kind}
        onChange={(kind) => kind && kind !== message.kind && form.setFieldValue("message", emptyMessage(kind as MessageKind, body))}
      />
      {message.kind === "text" && (
        <>
          <Textarea label="Message text" withAsterisk autosize minRows={3} maxRows={10} description={`{{ }} inserts values, e.g. {{contact.name}} · ${counter(message.body, 4096)}`} {...bind("message.body")} />
          <Checkbox label="Show a preview of the first link" {...form.getInputProps("message.preview_url", { type: "checkbox" })} />
        </>
      )}
      {message.kind === "media" && (
        <>
          <Select label="Media type" allowDeselect={false} data={["image", "document", "audio", "video"]} {...bind("message.media_type")} />
          <TextInput label="File URL" withAsterisk placeholder="https://…" {...bind("message.url")} />
          <Textarea label="Caption" autosize minRows={2} description={counter(message.caption, 1024)} {...bind("message.caption")} />
          {message.media_type === "document" && <TextInput label="File name" {...bind("message.filename")} />}
        </>
      )}
      {message.kind === "buttons" && (
        <>
          <Textarea label="Message text" withAsterisk autosize minRows={2} description={counter(message.body, 1024)} {...bind("message.body")} />
          <TextInput label="Footer" description={counter(message.footer, 60)} {...bind("message.footer")} />
          <Fieldset legend="Buttons (up to 3)" p="xs">
            <Stack gap={6}>
              {message.buttons.map((_, i) => (
                <Group key={i} gap={6} wrap="nowrap" align="flex-start">
                  <TextInput size="xs" label={`Button ${i + 1} title`} style={{ flex: 1 }} {...bind(`message.buttons.${i}.title`)} />
                  <TextInput size="xs" label={`Button ${i + 1} id`} style={{ flex: 1 }} {...bind(`message.buttons.${i}.id`)} />
                  <ActionIcon mt={22} variant="subtle" color="red" aria-label={`Remove button ${i + 1}`} onClick={() => form.removeListItem("message.buttons", i)}>
                    <IconTrash size={16} />
                  </ActionIcon>
                </Group>
              ))}
              {f.err("message.buttons") && <Text size="xs" c="red">{f.err("message.buttons")}</Text>}
              <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} disabled={message.buttons.length >= 3} w="fit-content"
                onClick={() => form.insertListItem("message.buttons", { id: `option_${message.buttons.length + 1}`, title: "" })}>
                Add button
              </Button>
            </Stack>
          </Fieldset>
        </>
      )}
      {message.kind === "list" && (
        <>
          <TextInput label="Header" {...bind("message.header")} />
          <Textarea label="Message text" withAsterisk autosize minRows={2} {...bind("message.body")} />
          <TextInput label="Footer" {...bind("message.footer")} />
          <TextInput label="List button label" withAsterisk description={counter(message.button, 20)} {...bind("message.button")} />
          {message.sections.map((section, s) => (
            <Fieldset key={s} legend={`Section ${s + 1}`} p="xs">
              <Stack gap={6}>
                <TextInput size="xs" label="Section title" {...bind(`message.sections.${s}.title`)} />
                {section.rows.map((_, r) => (
                  <Group key={r} gap={6} wrap="nowrap" align="flex-end">
                    <TextInput size="xs" label={`Row ${r + 1} title`} style={{ flex: 1 }} {...bind(`message.sections.${s}.rows.${r}.title`, `message.sections.rows[${r}].title`)} />
                    <TextInput size="xs" label={`Row ${r + 1} id`} style={{ flex: 1 }} {...form.getInputProps(`message.sections.${s}.rows.${r}.id`)} />
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove row ${r + 1}`} onClick={() => form.removeListItem(`message.sections.${s}.rows`, r)}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Group>
                ))}
                <Button size="xs" variant="light" w="fit-content" leftSection={<IconPlus size={14} />}
                  onClick={() => form.insertListItem(`message.sections.${s}.rows`, { id: `row_${s + 1}_${section.rows.length + 1}`, title: "", description: "" })}>
                  Add row
                </Button>
              </Stack>
            </Fieldset>
          ))}
          {f.err("message.sections") && <Text size="xs" c="red">{f.err("message.sections")}</Text>}
        </>
      )}
      {message.kind === "template" && (
        <>
          <TextInput label="Template name" withAsterisk description="The name Meta approved" {...bind("message.name")} />
          <TextInput label="Language" description="e.g. en_US" {...bind("message.language")} />
          <TagsInput label="Body parameters" description="In order: {{1}}, {{2}}… Press Enter after each." allowDuplicates {...bind("message.body_parameters")} />
        </>
      )}
    </Stack>
  );
}
