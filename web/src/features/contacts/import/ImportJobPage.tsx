import { Alert, Anchor, Breadcrumbs, Button, Card, Center, Group, Progress, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDownload } from "@tabler/icons-react";
import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";

import { api, unwrap } from "../../../api/client";
import { ApiError, describeError } from "../../../api/problems";
import { ErrorState, Loading, QueryState } from "../../../components/PageState";
import { useWorkspaceId } from "../../../state/workspace";
import { downloadFile } from "../DataActions";
import { formatTime, type ImportView, type RowError } from "../model";
import { keys } from "../queries";
import { rowErrorsToCsv } from "./csv";
import { ImportStatus } from "./PastImports";
import { importProgress } from "./progress";
import { rememberedRowCount } from "./upload";

function Stat({ label, value }: { label: string; value: number | string }) {
  return (
    <Card withBorder padding="sm">
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="xl" fw={700} aria-label={`${label}: ${value}`}>
        {value}
      </Text>
    </Card>
  );
}

function ErrorReport({ workspaceId, job }: { workspaceId: string; job: ImportView }) {
  const path = { workspace_id: workspaceId, import_id: job.import_id };
  const errors = useInfiniteQuery({
    queryKey: [...keys.imports(workspaceId), job.import_id, "errors", job.status],
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/imports/{import_id}/errors", { params: { path, query: { limit: 100, cursor: pageParam } } })),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const download = useMutation({
    mutationFn: async () => {
      const all: RowError[] = [];
      let cursor = "";
      do {
        const page = unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/imports/{import_id}/errors", { params: { path, query: { limit: 1000, cursor } } }));
        all.push(...page.items);
        cursor = page.next_cursor ?? "";
      } while (cursor);
      return all;
    },
    onSuccess: (all) => downloadFile(`${job.file_name.replace(/\.csv$/i, "")}-errors.csv`, rowErrorsToCsv(all), "text/csv"),
    onError: (error) => notifications.show({ color: "red", title: "Download failed", message: describeError(error) }),
  });
  const items = errors.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm">
        <Title order={4}>Rejected rows</Title>
        {items.length > 0 && (
          <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => download.mutate()} loading={download.isPending}>
            Download errors (CSV)
          </Button>
        )}
      </Group>
      {errors.isPending && <Loading />}
      {errors.error && <ErrorState error={errors.error} onRetry={() => errors.refetch()} />}
      {errors.data && !items.length && <Text size="sm" c="dimmed">{job.status === "running" ? "None so far." : "None: every row was imported."}</Text>}
      {items.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table aria-label="Rejected rows" striped verticalSpacing="xs">
            <Table.Thead>
              <Table.Tr>
                <Table.Th w={80}>Row</Table.Th>
                <Table.Th w={180}>Column</Table.Th>
                <Table.Th>Reason</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {items.map((e, n) => (
                <Table.Tr key={`${e.row}-${e.column}-${n}`}>
                  <Table.Td>{e.row}</Table.Td>
                  <Table.Td>{e.column || "(whole row)"}</Table.Td>
                  <Table.Td>{e.reason}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {errors.hasNextPage && (
        <Center mt="sm">
          <Button variant="default" onClick={() => errors.fetchNextPage()} loading={errors.isFetchingNextPage}>
            Load more
          </Button>
        </Center>
      )}
    </Card>
  );
}

export function ImportJobPage() {
  const workspaceId = useWorkspaceId();
  const { importId = "" } = useParams();
  const job = useQuery({
    queryKey: [...keys.imports(workspaceId), importId],
    queryFn: async () => unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/imports/{import_id}", { params: { path: { workspace_id: workspaceId, import_id: importId } } })),
    // The imports read model may not list a job started a moment ago.
    retry: (count, error) => count < 10 && (!(error instanceof ApiError) || error.status === 404 || error.status >= 500),
    retryDelay: 500,
    refetchInterval: (query) => (query.state.data?.status === "running" ? 1000 : false),
  });
  const knownRows = rememberedRowCount(importId);

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/w/${workspaceId}/contacts`}>
          Contacts
        </Anchor>
        <Anchor component={Link} to={`/w/${workspaceId}/contacts/import`}>
          Import
        </Anchor>
        <Text>{job.data?.file_name ?? importId}</Text>
      </Breadcrumbs>
      <QueryState query={job} loading="Loading the import…">
        {(j) => {
          const p = importProgress(j, knownRows);
          return (
            <Stack>
              <Group justify="space-between">
                <Group gap="sm">
                  <Title order={2}>{j.file_name}</Title>
                  <ImportStatus status={j.status} />
                </Group>
                <Text size="sm" c="dimmed">
                  Started {formatTime(j.started_at)}
                  {j.finished_at ? ` · finished ${formatTime(j.finished_at)}` : ""}
                </Text>
              </Group>
              {j.status === "failed" && (
                <Alert color="red" title="The import failed">
                  {j.error || "crm could not read the file."}
                </Alert>
              )}
              <Card withBorder>
                <Stack gap="xs">
                  <Group justify="space-between">
                    <Text fw={600} aria-live="polite">
                      {p.done ? "Done: " : "Importing… "}
                      {p.processed}
                      {p.total !== null ? ` of ${p.total}` : ""} rows processed
                    </Text>
                    {p.percent !== null && <Text size="sm">{p.percent}%</Text>}
                  </Group>
                  <Progress value={p.percent ?? 100} animated={!p.done} striped={!p.done} color={j.status === "failed" ? "red" : j.totals.rejected ? "yellow" : "teal"} aria-label="Import progress" size="lg" />
                </Stack>
              </Card>
              <SimpleGrid cols={{ base: 2, sm: 4 }}>
                <Stat label="Created" value={j.totals.created} />
                <Stat label="Updated" value={j.totals.updated} />
                <Stat label="Skipped" value={j.totals.unchanged} />
                <Stat label="Rejected" value={j.totals.rejected} />
              </SimpleGrid>
              {p.done && j.status === "completed" && (
                <Group>
                  <Button component={Link} to={`/w/${workspaceId}/contacts`}>
                    See the contacts
                  </Button>
                  <Button component={Link} to={`/w/${workspaceId}/contacts/import`} variant="default">
                    Import another file
                  </Button>
                </Group>
              )}
              <ErrorReport workspaceId={workspaceId} job={j} />
            </Stack>
          );
        }}
      </QueryState>
    </Stack>
  );
}
