import { ActionIcon, Button, Card, Group, Stack, Text, Textarea, TextInput } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";

import type { FaqPair } from "./model";

/** Question/answer pairs, one passage each when indexed. `errors` are keyed `faq.<i>.question`. */
export function FaqEditor({
  value,
  onChange,
  errors,
}: {
  value: FaqPair[];
  onChange: (pairs: FaqPair[]) => void;
  errors: Record<string, string | undefined>;
}) {
  const set = (i: number, patch: Partial<FaqPair>) => onChange(value.map((p, j) => (j === i ? { ...p, ...patch } : p)));
  return (
    <Stack gap="xs">
      {value.map((pair, i) => (
        <Card key={i} withBorder padding="xs" aria-label={`Pair ${i + 1}`} component="fieldset" style={{ margin: 0 }}>
          <Group align="flex-start" gap="xs" wrap="nowrap">
            <Stack gap={6} style={{ flex: 1 }}>
              <TextInput
                label={`Question ${i + 1}`}
                placeholder="Do you deliver on Sundays?"
                value={pair.question}
                onChange={(e) => set(i, { question: e.currentTarget.value })}
                error={errors[`faq.${i}.question`]}
              />
              <Textarea
                label={`Answer ${i + 1}`}
                placeholder="Yes, between 10:00 and 14:00."
                autosize
                minRows={2}
                value={pair.answer}
                onChange={(e) => set(i, { answer: e.currentTarget.value })}
                error={errors[`faq.${i}.answer`]}
              />
            </Stack>
            <ActionIcon
              variant="subtle"
              color="red"
              mt={24}
              aria-label={`Remove pair ${i + 1}`}
              disabled={value.length === 1}
              onClick={() => onChange(value.filter((_, j) => j !== i))}
            >
              <IconTrash size={16} />
            </ActionIcon>
          </Group>
        </Card>
      ))}
      {errors.faq && (
        <Text c="red" size="sm" role="alert">
          {errors.faq}
        </Text>
      )}
      <Group>
        <Button variant="default" size="xs" leftSection={<IconPlus size={14} />} onClick={() => onChange([...value, { question: "", answer: "" }])}>
          Add a pair
        </Button>
      </Group>
    </Stack>
  );
}
