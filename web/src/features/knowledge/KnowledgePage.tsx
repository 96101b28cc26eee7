import { Anchor, Button, Card, Center, Grid, Group, Stack, Table, Text, Title } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { IconBooks, IconPlus } from "@tabler/icons-react";
import { Link } from "react-router";

import { EmptyState, ErrorState, Loading } from "../../components/PageState";
import { usePermissions } from "../../state/permissions";
import { useWorkspaceId } from "../../state/workspace";
import { formatTime } from "../contacts/model";
import { AskPanel } from "./AskPanel";
import { KnowledgeBaseActions } from "./KnowledgeBaseActions";
import { KnowledgeBaseModal } from "./KnowledgeBaseModal";
import { KnowledgeCounts } from "./KnowledgeCounts";
import { useKnowledgeBases } from "./queries";

export function KnowledgePage() {
  const workspaceId = useWorkspaceId();
  const may = usePermissions(workspaceId);
  const canManage = may("knowledge:manage");
  const [creating, { open, close }] = useDisclosure(false);
  const list = useKnowledgeBases(workspaceId);
  const bases = list.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Knowledge</Title>
          <Text size="sm" c="dimmed">
            The documents your flows' AI answer nodes answer customers from.
          </Text>
        </div>
        {bases.length > 0 && canManage && (
          <Button leftSection={<IconPlus size={16} />} onClick={open}>
            New knowledge base
          </Button>
        )}
      </Group>
      {list.isPending ? (
        <Loading label="Loading knowledge bases…" />
      ) : list.error ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : !bases.length ? (
        <EmptyState
          title="No knowledge bases yet"
          icon={<IconBooks />}
          action={
            canManage && (
              <Button leftSection={<IconPlus size={16} />} onClick={open}>
                Create your first knowledge base
              </Button>
            )
          }
        >
          A knowledge base holds your own documents — help pages, price lists, FAQs, PDFs. A flow's AI answer node answers
          customers from them only, cites where the answer comes from, and takes its “No answer” path when they do not say.
        </EmptyState>
      ) : (
        <Grid>
          <Grid.Col span={{ base: 12, lg: 7 }}>
            <Card withBorder p={0}>
              <Table.ScrollContainer minWidth={620}>
                <Table verticalSpacing="sm" highlightOnHover aria-label="Knowledge bases">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Name</Table.Th>
                      <Table.Th>Documents</Table.Th>
                      <Table.Th>Passages</Table.Th>
                      <Table.Th>Updated</Table.Th>
                      <Table.Th aria-label="Actions" />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {bases.map((kb) => (
                      <Table.Tr key={kb.knowledge_base_id}>
                        <Table.Td>
                          <Anchor component={Link} to={kb.knowledge_base_id} fw={500}>
                            {kb.name}
                          </Anchor>
                          {kb.description && (
                            <Text size="xs" c="dimmed" lineClamp={1}>
                              {kb.description}
                            </Text>
                          )}
                        </Table.Td>
                        <Table.Td>
                          <KnowledgeCounts kb={kb} />
                        </Table.Td>
                        <Table.Td>{kb.chunks ?? 0}</Table.Td>
                        <Table.Td>
                          <Text size="sm">{formatTime(kb.updated_at)}</Text>
                        </Table.Td>
                        <Table.Td>
                          {canManage && <KnowledgeBaseActions workspaceId={workspaceId} kb={kb} compact />}
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
            {list.hasNextPage && (
              <Center mt="md">
                <Button variant="default" onClick={() => list.fetchNextPage()} loading={list.isFetchingNextPage}>
                  Load more
                </Button>
              </Center>
            )}
          </Grid.Col>
          <Grid.Col span={{ base: 12, lg: 5 }}>
            <AskPanel workspaceId={workspaceId} bases={bases} />
          </Grid.Col>
        </Grid>
      )}
      <KnowledgeBaseModal key={creating ? "open" : "closed"} workspaceId={workspaceId} opened={creating} onClose={close} />
    </Stack>
  );
}
