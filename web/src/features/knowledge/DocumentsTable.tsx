import { Anchor, Badge, Button, Group, Loader, Table, Text, Tooltip } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconRefresh, IconTrash } from "@tabler/icons-react";

import { formatTime } from "../contacts/model";
import { ConfirmAction } from "../settings/shared/ConfirmAction";
import { documentName, FORMAT_LABELS, STATUS_COLORS, type KnowledgeDocument } from "./model";
import { useDeleteDocument } from "./queries";

export function DocumentStatusBadge({ doc }: { doc: KnowledgeDocument }) {
  const badge = (
    <Badge color={STATUS_COLORS[doc.status]} variant="light" leftSection={doc.status === "indexing" ? <Loader size={10} color="blue" /> : undefined}>
      {doc.status}
    </Badge>
  );
  return doc.status === "failed" && doc.error ? (
    <Tooltip label={doc.error} multiline w={300}>
      {badge}
    </Tooltip>
  ) : (
    badge
  );
}

export function DocumentsTable({
  workspaceId,
  knowledgeBaseId,
  documents,
  onOpen,
  onReplace,
  canManage,
}: {
  workspaceId: string;
  knowledgeBaseId: string;
  documents: KnowledgeDocument[];
  onOpen: (doc: KnowledgeDocument) => void;
  onReplace: (doc: KnowledgeDocument) => void;
  canManage: boolean;
}) {
  const remove = useDeleteDocument(workspaceId, knowledgeBaseId);
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" highlightOnHover aria-label="Documents">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Title</Table.Th>
            <Table.Th>Format</Table.Th>
            <Table.Th>Status</Table.Th>
            <Table.Th>Passages</Table.Th>
            <Table.Th>Updated</Table.Th>
            <Table.Th aria-label="Actions" />
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {documents.map((doc) => (
            <Table.Tr key={doc.document_id}>
              <Table.Td maw={320}>
                <Anchor component="button" type="button" fw={500} onClick={() => onOpen(doc)} ta="left">
                  {documentName(doc)}
                </Anchor>
                {doc.format === "url" && doc.source_url && doc.title && (
                  <Text size="xs" c="dimmed" truncate>
                    {doc.source_url}
                  </Text>
                )}
                {doc.status === "failed" && doc.error && (
                  <Text size="xs" c="red" role="note">
                    {doc.error}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>{FORMAT_LABELS[doc.format]}</Table.Td>
              <Table.Td>
                <DocumentStatusBadge doc={doc} />
              </Table.Td>
              <Table.Td>{doc.status === "indexed" ? (doc.chunks ?? 0) : "—"}</Table.Td>
              <Table.Td>
                <Text size="sm">{formatTime(doc.updated_at)}</Text>
                {doc.revision > 1 && (
                  <Text size="xs" c="dimmed">
                    revision {doc.revision}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {canManage && (
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="default" leftSection={<IconRefresh size={14} />} onClick={() => onReplace(doc)}>
                      Replace
                    </Button>
                    <ConfirmAction
                      label={<IconTrash size={14} />}
                      ariaLabel={`Delete ${documentName(doc)}`}
                      title={`Delete “${documentName(doc)}”?`}
                      confirmLabel="Delete document"
                      onConfirm={async () => {
                        await remove.mutateAsync(doc.document_id);
                        notifications.show({ color: "teal", message: "Document deleted" });
                      }}
                    >
                      Its passages are removed at once: AI answers stop citing it.
                    </ConfirmAction>
                  </Group>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
