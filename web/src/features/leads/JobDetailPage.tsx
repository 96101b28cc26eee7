import { Alert, Anchor, Breadcrumbs, Button, Card, Center, Group, SimpleGrid, Stack, Table, Text, Title } from "@mantine/core";
import { IconUserSearch } from "@tabler/icons-react";
import { Link, useParams } from "react-router";

import { EmptyState, QueryState } from "../../components/PageState";
import { SeePlansLink } from "../../components/PlanLimitAlert";
import { usePermissions } from "../../state/permissions";
import { useWorkspaceId } from "../../state/workspace";
import { formatTime } from "../contacts/model";
import { CancelJobButton, JobProgressBar, JobStatusBadge, NoConsentNotice } from "./JobParts";
import { countsOf, isRunning, jobProgress, sourceLabel, type Job, type Lead } from "./model";
import { useJob } from "./queries";

function Figure({ label, value }: { label: string; value: number }) {
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

function JobSummary({ workspaceId, job }: { workspaceId: string; job: Job }) {
  const c = countsOf(job);
  const canManage = usePermissions(workspaceId)("leads:manage");
  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <div>
          <Group gap="xs">
            <Title order={2}>{sourceLabel(job.source)}</Title>
            <JobStatusBadge job={job} />
          </Group>
          <Text size="sm" c="dimmed" style={{ whiteSpace: "pre-wrap" }}>
            {job.query}
            {job.location ? ` · ${job.location}` : ""} · started {formatTime(job.created_at)}
            {job.finished_at ? ` · finished ${formatTime(job.finished_at)}` : ""}
          </Text>
        </div>
        {canManage && <CancelJobButton workspaceId={workspaceId} job={job} />}
      </Group>
      <Stack gap={4}>
        <JobProgressBar job={job} />
        <Text size="xs" c="dimmed">
          {jobProgress(job).label}
          {isRunning(job) && job.message ? ` · ${job.message}` : ""}
        </Text>
      </Stack>
      {job.reason && (
        <Alert color={job.status === "limited" ? "yellow" : "red"} title={job.status === "limited" ? "Stopped by your plan" : "Stopped"} role="alert">
          {job.reason}
          {job.status === "limited" && (
            <>
              {" "}
              <SeePlansLink inheritColor />
            </>
          )}
        </Alert>
      )}
      <SimpleGrid cols={{ base: 2, sm: 4 }}>
        <Figure label="Found" value={c.found} />
        <Figure label="New leads" value={c.leads} />
        <Figure label="Duplicates" value={c.duplicates} />
        <Figure label="Errors" value={c.errors} />
      </SimpleGrid>
    </Stack>
  );
}

function LeadsTable({ leads }: { leads: Lead[] }) {
  return (
    <Table.ScrollContainer minWidth={760}>
      <Table verticalSpacing="sm" striped aria-label="Leads">
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Name</Table.Th>
            <Table.Th>Phone</Table.Th>
            <Table.Th>E-mail</Table.Th>
            <Table.Th>Website</Table.Th>
            <Table.Th>Provider</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {leads.map((lead) => (
            <Table.Tr key={lead.lead_id}>
              <Table.Td>
                <Text size="sm" fw={500}>
                  {lead.name || "—"}
                </Text>
                {(lead.category || lead.address) && (
                  <Text size="xs" c="dimmed">
                    {[lead.category, lead.address].filter(Boolean).join(" · ")}
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                {lead.phone ? (
                  <Text size="sm" ff="monospace">
                    {lead.phone}
                  </Text>
                ) : (
                  <Text size="sm" c="dimmed" fs="italic">
                    no number
                  </Text>
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{lead.email || "—"}</Text>
              </Table.Td>
              <Table.Td maw={220}>
                {lead.website ? (
                  <Anchor href={lead.website} target="_blank" rel="noreferrer" size="sm" truncate>
                    {lead.website}
                  </Anchor>
                ) : (
                  "—"
                )}
              </Table.Td>
              <Table.Td>
                <Text size="sm">{lead.provider || "—"}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}

export function JobDetailPage() {
  const workspaceId = useWorkspaceId();
  const { jobId = "" } = useParams();
  const detail = useJob(workspaceId, jobId);
  const leads = detail.data?.pages.flatMap((p) => p.leads) ?? [];
  const job = detail.data?.pages[0]?.job;

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/w/${workspaceId}/leads`}>
          Lead capture
        </Anchor>
        <Text>{job ? job.query.split("\n")[0] : jobId}</Text>
      </Breadcrumbs>
      <QueryState query={{ ...detail, data: job }} loading="Loading the lead capture…">
        {(j) => (
          <Stack>
            <JobSummary workspaceId={workspaceId} job={j} />
            <NoConsentNotice workspaceId={workspaceId} />
            {leads.length ? (
              <Card withBorder p={0}>
                <LeadsTable leads={leads} />
              </Card>
            ) : (
              <EmptyState title={isRunning(j) ? "No leads yet" : "No new leads"} icon={<IconUserSearch />}>
                {isRunning(j)
                  ? "New leads appear here as they are found."
                  : countsOf(j).duplicates > 0
                    ? "Everything found was already captured by an earlier job."
                    : "The source returned nothing new. Try a broader search or other sites."}
              </EmptyState>
            )}
            {detail.hasNextPage && (
              <Center>
                <Button variant="default" onClick={() => detail.fetchNextPage()} loading={detail.isFetchingNextPage}>
                  Load more
                </Button>
              </Center>
            )}
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
