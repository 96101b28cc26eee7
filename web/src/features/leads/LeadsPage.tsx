import { Anchor, Button, Card, Center, Grid, Group, Stack, Table, Text, Title } from "@mantine/core";
import { IconUserSearch } from "@tabler/icons-react";
import { Link } from "react-router";

import { EmptyState, ErrorState, Loading, QueryState } from "../../components/PageState";
import { usePermissions } from "../../state/permissions";
import { useWorkspaceId } from "../../state/workspace";
import { formatTime } from "../contacts/model";
import { CancelJobButton, JobCountsLine, JobProgressBar, JobStatusBadge, NoConsentNotice } from "./JobParts";
import { sourceLabel } from "./model";
import { useJobs, useSources } from "./queries";
import { StartJobForm } from "./StartJobForm";

export function LeadsPage() {
  const workspaceId = useWorkspaceId();
  const canManage = usePermissions(workspaceId)("leads:manage");
  const sources = useSources(workspaceId);
  const jobs = useJobs(workspaceId);
  const items = jobs.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Stack>
      <div>
        <Title order={2}>Lead capture</Title>
        <Text size="sm" c="dimmed">
          Find businesses' public contact details and save them as contacts.
        </Text>
      </div>
      <NoConsentNotice workspaceId={workspaceId} />
      <Grid>
        <Grid.Col span={{ base: 12, lg: 4 }}>
          <QueryState query={sources} loading="Loading sources…">
            {(list) =>
              canManage ? (
                <StartJobForm workspaceId={workspaceId} sources={list} />
              ) : (
                <Text size="sm" c="dimmed">
                  Your role may see lead captures but not start them: ask an editor or an administrator.
                </Text>
              )
            }
          </QueryState>
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 8 }}>
          {jobs.isPending ? (
            <Loading label="Loading lead captures…" />
          ) : jobs.error ? (
            <ErrorState error={jobs.error} onRetry={() => jobs.refetch()} />
          ) : !items.length ? (
            <EmptyState title="No lead captures yet" icon={<IconUserSearch />}>
              Choose a source, say what to look for and start: progress shows here as it goes, and each new lead becomes a
              contact tagged as you say.
            </EmptyState>
          ) : (
            <Card withBorder p={0}>
              <Table.ScrollContainer minWidth={720}>
                <Table verticalSpacing="sm" aria-label="Lead captures">
                  <Table.Thead>
                    <Table.Tr>
                      <Table.Th>Search</Table.Th>
                      <Table.Th w={150}>Status</Table.Th>
                      <Table.Th w={260}>Progress</Table.Th>
                      <Table.Th>Started</Table.Th>
                      <Table.Th aria-label="Actions" />
                    </Table.Tr>
                  </Table.Thead>
                  <Table.Tbody>
                    {items.map((job) => (
                      <Table.Tr key={job.job_id} data-testid="job-row">
                        <Table.Td maw={260}>
                          <Anchor component={Link} to={job.job_id} fw={500} lineClamp={2}>
                            {job.query.split("\n").join(", ")}
                          </Anchor>
                          <Text size="xs" c="dimmed">
                            {sourceLabel(job.source)}
                            {job.location ? ` · ${job.location}` : ""}
                          </Text>
                        </Table.Td>
                        <Table.Td>
                          <JobStatusBadge job={job} />
                        </Table.Td>
                        <Table.Td>
                          <Stack gap={4}>
                            <JobProgressBar job={job} />
                            <JobCountsLine job={job} />
                          </Stack>
                        </Table.Td>
                        <Table.Td>
                          <Text size="sm">{formatTime(job.created_at)}</Text>
                        </Table.Td>
                        <Table.Td>
                          <Group justify="flex-end">
                            {canManage && <CancelJobButton workspaceId={workspaceId} job={job} />}
                          </Group>
                        </Table.Td>
                      </Table.Tr>
                    ))}
                  </Table.Tbody>
                </Table>
              </Table.ScrollContainer>
            </Card>
          )}
          {jobs.hasNextPage && (
            <Center mt="md">
              <Button variant="default" onClick={() => jobs.fetchNextPage()} loading={jobs.isFetchingNextPage}>
                Load more
              </Button>
            </Center>
          )}
        </Grid.Col>
      </Grid>
    </Stack>
  );
}
