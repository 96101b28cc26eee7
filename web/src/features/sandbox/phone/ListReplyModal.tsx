import { Button, Modal, Stack, Text } from "@mantine/core";

import type { ListSection, ReplyChoice } from "../model/messages";

// The sheet WhatsApp opens from a list message's button: sections of rows, one tap answers.
export function ListReplyModal({
  opened,
  title,
  sections,
  onClose,
  onChoose,
}: {
  opened: boolean;
  title: string;
  sections: ListSection[];
  onClose: () => void;
  onChoose: (choice: ReplyChoice) => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title={title} centered size="sm">
      <Stack gap="md">
        {sections.map((section, i) => (
          <Stack key={`${section.title}-${i}`} gap={4}>
            {section.title && (
              <Text size="xs" fw={700} tt="uppercase" c="dimmed">
                {section.title}
              </Text>
            )}
            {section.rows.map((row) => (
              <Button
                key={row.id}
                variant="default"
                justify="flex-start"
                fullWidth
                h="auto"
                py={6}
                onClick={() => onChoose(row)}
                aria-label={row.description ? `${row.title}: ${row.description}` : row.title}
              >
                <Stack gap={0} align="flex-start">
                  <Text size="sm">{row.title}</Text>
                  {row.description && (
                    <Text size="xs" c="dimmed">
                      {row.description}
                    </Text>
                  )}
                </Stack>
              </Button>
            ))}
          </Stack>
        ))}
      </Stack>
    </Modal>
  );
}
