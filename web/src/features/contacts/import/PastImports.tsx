import { Anchor, Badge, Button, Card, Center, Table, Text, Title } from "@mantine/core";
import { useInfiniteQuery } from "@tanstack/react-query";
import { Link } from "react-router";

import { api, unwrap } from "../../../api/client";
import { ErrorState, Loading } from "../../../components/PageState";
import { formatTime, type ImportView } from "../model";
import { keys } from "../queries";

export function ImportStatus({ status }: { status: ImportView["status"] }) {
  const color = status === "completed" ? "teal" : status === "failed" ? "red" : "blue";
  return (
    <Badge color={color} variant="light">
      {status}
    </Badge>
  );
}

export function PastImports({ workspaceId }: { workspaceId: string }) {
  const imports = useInfiniteQuery({
    queryKey: keys.imports(workspaceId),
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/imports", { params: { path: { workspace_id: workspaceId }, query: { limit: 25, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = imports.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder>
      <Title order={4} mb="sm">
        Past imports
      </Title>
      {imports.isPending && <Loading />}
      {imports.error && <ErrorState error={imports.error} onRetry={() => imports.refetch()} />}
      {imports.data && !items.length && <Text size="sm" c="dimmed">No imports yet: choose a file above to start the first.</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={640}>
          <Table aria-label="Past imports" verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>File</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Rows</Table.Th>
                <Table.Th>Created</Table.Th>
                <Table.Th>Updated</Table.Th>
                <Table.Th>Rejected</Table.Th>
                <Table.Th>Started</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((job) => (
                <Table.Tr key={job.import_id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/w/${workspaceId}/contacts/import/${job.import_id}`}>
                      {job.file_name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>
                    <ImportStatus status={job.status} />
                  </Table.Td>
                  <Table.Td>{job.totals.rows}</Table.Td>
                  <Table.Td>{job.totals.created}</Table.Td>
                  <Table.Td>{job.totals.updated}</Table.Td>
                  <Table.Td>{job.totals.rejected}</Table.Td>
                  <Table.Td>{formatTime(job.started_at)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {imports.hasNextPage && (
        <Center mt="sm">
          <Button variant="default" onClick={() => imports.fetchNextPage()} loading={imports.isFetchingNextPage}>
            Load more
          </Button>
        </Center>
      )}
    </Card>
  );
}
