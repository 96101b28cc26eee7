import { Anchor, Breadcrumbs, Button, Card, Center, Grid, Group, Stack, Text, Title } from "@mantine/core";
import { IconFilePlus, IconFiles } from "@tabler/icons-react";
import { useState } from "react";
import { Link, useParams } from "react-router";

import { EmptyState, ErrorState, Loading, QueryState } from "../../components/PageState";
import { usePermissions } from "../../state/permissions";
import { useWorkspaceId } from "../../state/workspace";
import { AskPanel } from "./AskPanel";
import { DocumentDrawer } from "./DocumentDrawer";
import { DocumentModal } from "./DocumentModal";
import { DocumentsTable } from "./DocumentsTable";
import { KnowledgeBaseActions } from "./KnowledgeBaseActions";
import { KnowledgeCounts } from "./KnowledgeCounts";
import type { KnowledgeDocument } from "./model";
import { useDocuments, useKnowledgeBase, useKnowledgeBases } from "./queries";

type Editing = { mode: "add" } | { mode: "replace"; doc: KnowledgeDocument } | null;

export function KnowledgeBasePage() {
  const workspaceId = useWorkspaceId();
  const { knowledgeBaseId = "" } = useParams();
  const kb = useKnowledgeBase(workspaceId, knowledgeBaseId);
  const bases = useKnowledgeBases(workspaceId);
  const docs = useDocuments(workspaceId, knowledgeBaseId);
  const canManage = usePermissions(workspaceId)("knowledge:manage");
  const [editing, setEditing] = useState<Editing>(null);
  const [open, setOpen] = useState<KnowledgeDocument | null>(null);
  const documents = docs.data?.pages.flatMap((p) => p.items) ?? [];
  const addButton = canManage && (
    <Button leftSection={<IconFilePlus size={16} />} onClick={() => setEditing({ mode: "add" })}>
      Add document
    </Button>
  );

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/w/${workspaceId}/knowledge`}>
          Knowledge
        </Anchor>
        <Text>{kb.data?.name ?? knowledgeBaseId}</Text>
      </Breadcrumbs>
      <QueryState query={kb} loading="Loading the knowledge base…">
        {(base) => (
          <Stack>
            <Group justify="space-between" wrap="wrap">
              <div>
                <Title order={2}>{base.name}</Title>
                <Group gap="xs">
                  {base.description && (
                    <Text size="sm" c="dimmed">
                      {base.description} ·
                    </Text>
                  )}
                  <KnowledgeCounts kb={base} />
                  <Text size="sm" c="dimmed">
                    {base.documents === 1 ? "document" : "documents"} · {base.chunks} passages · {base.embedder}
                  </Text>
                </Group>
              </div>
              <Group gap="xs">
                {canManage && <KnowledgeBaseActions workspaceId={workspaceId} kb={base} leave />}
                {documents.length > 0 && addButton}
              </Group>
            </Group>
            <Grid>
              <Grid.Col span={{ base: 12, lg: 8 }}>
                {docs.isPending ? (
                  <Loading label="Loading documents…" />
                ) : docs.error ? (
                  <ErrorState error={docs.error} onRetry={() => docs.refetch()} />
                ) : !documents.length ? (
                  <EmptyState title="No documents yet" icon={<IconFiles />} action={addButton}>
                    Add what your customers ask about: write it, paste a page's HTML, upload a PDF, point at a public web page,
                    or type question and answer pairs. Each is split into passages under their headings.
                  </EmptyState>
                ) : (
                  <Card withBorder p={0}>
                    <DocumentsTable
                      workspaceId={workspaceId}
                      knowledgeBaseId={knowledgeBaseId}
                      documents={documents}
                      canManage={canManage}
                      onOpen={setOpen}
                      onReplace={(doc) => setEditing({ mode: "replace", doc })}
                    />
                  </Card>
                )}
                {docs.hasNextPage && (
                  <Center mt="md">
                    <Button variant="default" onClick={() => docs.fetchNextPage()} loading={docs.isFetchingNextPage}>
                      Load more
                    </Button>
                  </Center>
                )}
              </Grid.Col>
              <Grid.Col span={{ base: 12, lg: 4 }}>
                <AskPanel
                  workspaceId={workspaceId}
                  bases={bases.data?.pages.flatMap((p) => p.items) ?? [base]}
                  knowledgeBaseId={knowledgeBaseId}
                />
              </Grid.Col>
            </Grid>
          </Stack>
        )}
      </QueryState>
      {editing && (
        <DocumentModal
          workspaceId={workspaceId}
          knowledgeBaseId={knowledgeBaseId}
          existing={editing.mode === "replace" ? editing.doc : undefined}
          opened
          onClose={() => setEditing(null)}
        />
      )}
      <DocumentDrawer workspaceId={workspaceId} knowledgeBaseId={knowledgeBaseId} doc={open} onClose={() => setOpen(null)} />
    </Stack>
  );
}
