import { Alert, Anchor, Badge, Card, Drawer, Group, Stack, Text } from "@mantine/core";

import { QueryState } from "../../components/PageState";
import { formatTime } from "../contacts/model";
import { DocumentStatusBadge } from "./DocumentsTable";
import { documentName, formatBytes, FORMAT_LABELS, type KnowledgeDocument } from "./model";
import { useDocument } from "./queries";

/** One document with its passages as indexed, each under its heading path. */
export function DocumentDrawer({
  workspaceId,
  knowledgeBaseId,
  doc,
  onClose,
}: {
  workspaceId: string;
  knowledgeBaseId: string;
  doc: KnowledgeDocument | null;
  onClose: () => void;
}) {
  const detail = useDocument(workspaceId, knowledgeBaseId, doc?.document_id ?? null);
  return (
    <Drawer opened={doc !== null} onClose={onClose} position="right" size="lg" title={doc ? documentName(doc) : ""}>
      <QueryState query={detail} loading="Loading the document…">
        {({ document: d, passages }) => (
          <Stack>
            <Group gap="xs">
              <DocumentStatusBadge doc={d} />
              <Badge variant="outline" tt="none">
                {FORMAT_LABELS[d.format]}
              </Badge>
              <Text size="xs" c="dimmed">
                revision {d.revision} · {formatBytes(d.size_bytes)} · {d.embedder || "—"} · indexed {formatTime(d.indexed_at)}
              </Text>
            </Group>
            {d.source_url && (
              <Anchor href={d.source_url} target="_blank" rel="noreferrer" size="sm">
                {d.source_url}
              </Anchor>
            )}
            {d.status === "failed" && (
              <Alert color="red" title="Indexing failed" role="alert">
                {d.error || "No reason was given."} Replace its content to try again.
              </Alert>
            )}
            {d.status === "indexing" && <Text size="sm" c="dimmed">Indexing… its passages appear here when it is done.</Text>}
            {d.status === "indexed" && (
              <Text size="sm" c="dimmed">
                {passages.length < (d.chunks ?? 0) ? `The first ${passages.length} of ${d.chunks} passages` : `${passages.length} passages`}
              </Text>
            )}
            {passages.map((p) => (
              <Card key={p.chunk ?? p.text} withBorder padding="sm" aria-label={`Passage ${(p.chunk ?? 0) + 1}`}>
                <Group justify="space-between" gap="xs">
                  <Text size="xs" fw={600} c="dimmed">
                    {p.heading || "No heading"}
                  </Text>
                  <Text size="xs" c="dimmed">
                    #{(p.chunk ?? 0) + 1}
                  </Text>
                </Group>
                <Text size="sm" mt={4} style={{ whiteSpace: "pre-wrap" }}>
                  {p.text}
                </Text>
              </Card>
            ))}
          </Stack>
        )}
      </QueryState>
    </Drawer>
  );
}
