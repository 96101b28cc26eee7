import { Badge, Button, Group, Paper, Stack, Text, UnstyledButton } from "@mantine/core";
import { IconBroadcast } from "@tabler/icons-react";

import type { FlowGraph } from "../../api/types";
import { EmptyState, ErrorState, Loading } from "../../components/PageState";
import { useContactDirectory, type useFlowExecutions } from "./api";
import { formatTime, nodeName, STATUS_COLOR } from "./format";
import type { ConsoleExecution } from "./model/liveState";
import { eventTitle } from "./model/stepView";

// This flow's executions, newest first, as the socket updates them.

interface Props {
  workspaceId: string;
  definition: FlowGraph | null;
  publishedVersion: number | null;
  pages: ReturnType<typeof useFlowExecutions>;
  executions: ConsoleExecution[];
  onOpen: (executionId: string) => void;
  onOpenSandbox: () => void;
}

function Row({ execution, contact, definition, onOpen }: { execution: ConsoleExecution; contact: string; definition: FlowGraph | null; onOpen: () => void }) {
  const failed = execution.status === "failed";
  return (
    <UnstyledButton onClick={onOpen} w="100%" aria-label={`Execution of ${contact}, ${execution.status}, at ${nodeName(definition, execution.current_node)}`} data-execution-id={execution.execution_id}>
      <Paper withBorder p="xs" radius="sm" style={failed ? { borderColor: "var(--mantine-color-red-6)" } : undefined}>
        <Group justify="space-between" wrap="nowrap" gap="xs">
          <Text size="sm" fw={600} truncate>
            {contact}
          </Text>
          <Badge size="sm" color={STATUS_COLOR[execution.status] ?? "gray"} variant="light">
            {execution.status}
          </Badge>
        </Group>
        <Text size="xs" c="dimmed">
          At <b>{nodeName(definition, execution.current_node)}</b>
          {execution.waiting_for ? ` · waiting for ${execution.waiting_for}` : ""}
          {execution.flow_version ? ` · v${execution.flow_version}` : ""}
        </Text>
        <Text size="xs" c="dimmed">
          Started {formatTime(execution.started_at)}
          {execution.last_event ? ` · last: ${eventTitle(execution.last_event)} ${formatTime(execution.last_event_at)}` : ""}
        </Text>
        {failed && execution.failure_reason && (
          <Text size="xs" c="red">
            {execution.failure_reason}
          </Text>
        )}
      </Paper>
    </UnstyledButton>
  );
}

export function ExecutionList({ workspaceId, definition, publishedVersion, pages, executions, onOpen, onOpenSandbox }: Props) {
  const contacts = useContactDirectory(workspaceId);
  if (pages.isPending) return <Loading label="Loading executions…" />;
  if (pages.error) return <ErrorState error={pages.error} onRetry={() => pages.refetch()} />;
  if (executions.length === 0) {
    return (
      <EmptyState
        title="No executions yet"
        icon={<IconBroadcast />}
        action={
          publishedVersion ? (
            <Button variant="light" onClick={onOpenSandbox}>
              Open the sandbox phone
            </Button>
          ) : null
        }
      >
        {!publishedVersion
          ? "Publish this flow, then write one of its trigger keywords to the sandbox number: its runs appear here live."
          : "Write one of this flow's trigger keywords to the sandbox number: each run appears here as it happens."}
      </EmptyState>
    );
  }
  return (
    <Stack gap="xs">
      <Stack component="ul" gap="xs" p={0} m={0} style={{ listStyle: "none" }} aria-label="Executions">
        {executions.map((execution) => (
          <li key={execution.execution_id}>
            <Row
              execution={execution}
              definition={definition}
              contact={execution.contact_name || contacts.data?.get(execution.contact_id) || execution.contact_id || "Unknown contact"}
              onOpen={() => onOpen(execution.execution_id)}
            />
          </li>
        ))}
      </Stack>
      {pages.hasNextPage && (
        <Button variant="subtle" onClick={() => pages.fetchNextPage()} loading={pages.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </Stack>
  );
}
