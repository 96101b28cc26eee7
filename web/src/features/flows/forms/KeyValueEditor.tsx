import { ActionIcon, Button, Group, Input, Stack, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";
import { useState } from "react";

// Edits a string → string map (headers, contact fields, response mapping) as rows; rows with an
// empty key are kept while editing but not stored.
export function KeyValueEditor({
  label,
  keyLabel,
  valueLabel,
  value,
  onChange,
  error,
  max = 30,
}: {
  label: string;
  keyLabel: string;
  valueLabel: string;
  value: Record<string, string> | undefined;
  onChange: (value: Record<string, string>) => void;
  error?: string;
  max?: number;
}) {
  const [rows, setRows] = useState<[string, string][]>(() => Object.entries(value ?? {}));
  function update(next: [string, string][]) {
    setRows(next);
    onChange(Object.fromEntries(next.filter(([k]) => k.trim() !== "")));
  }
  return (
    <Input.Wrapper label={label} error={error}>
      <Stack gap={6} mt={4}>
        {rows.map(([k, v], i) => (
          <Group key={i} gap={6} wrap="nowrap" align="flex-start">
            <TextInput size="xs" aria-label={`${keyLabel} ${i + 1}`} placeholder={keyLabel} value={k} onChange={(e) => update(rows.map((r, j) => (j === i ? [e.currentTarget.value, r[1]] : r)))} style={{ flex: 1 }} />
            <TextInput size="xs" aria-label={`${valueLabel} ${i + 1}`} placeholder={valueLabel} value={v} onChange={(e) => update(rows.map((r, j) => (j === i ? [r[0], e.currentTarget.value] : r)))} style={{ flex: 1 }} />
            <ActionIcon variant="subtle" color="red" aria-label={`Remove ${keyLabel.toLowerCase()} ${i + 1}`} onClick={() => update(rows.filter((_, j) => j !== i))}>
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        ))}
        <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} disabled={rows.length >= max} onClick={() => setRows([...rows, ["", ""]])} w="fit-content">
          Add {keyLabel.toLowerCase()}
        </Button>
      </Stack>
    </Input.Wrapper>
  );
}
