import { ActionIcon, Badge, Button, Group, Menu, SegmentedControl, Stack, Table, Text, TextInput, Title, Tooltip, VisuallyHidden } from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconArchive, IconArchiveOff, IconCopy, IconDots, IconPencil, IconPlus, IconSearch } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { notifyError } from "../../../components/notifyError";
import type { FlowSummary } from "../../../api/types";
import { EmptyState, ErrorState, Loading } from "../../../components/PageState";
import { usePlansHref } from "../../../components/PlanLimitAlert";
import { usePermissions } from "../../../state/permissions";
import { useWorkspaceId } from "../../../state/workspace";
import { useFlowAction, useFlowList } from "../api";
import { NameModal } from "./NameModal";
import { NewFlowModal } from "./NewFlowModal";

export function flowStatus(flow: FlowSummary): { label: string; color: string } {
  if (flow.archived) return { label: "Archived", color: "gray" };
  if (flow.latest_version > 0) return { label: "Published", color: "green" };
  return { label: "Draft", color: "yellow" };
}

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

export function FlowsListPage() {
  const workspaceId = useWorkspaceId();
  const canWrite = usePermissions(workspaceId)("flows:write");
  const [view, setView] = useState<"active" | "archived">("active");
  const [search, setSearch] = useState("");
  const [debounced] = useDebouncedValue(search.trim(), 300);
  const list = useFlowList(workspaceId, view === "archived", debounced);
  const action = useFlowAction(workspaceId);
  const plansHref = usePlansHref();
  const [creating, creatingHandlers] = useDisclosure();
  const [naming, setNaming] = useState<{ flow: FlowSummary; kind: "rename" | "duplicate" } | null>(null);
  const flows = list.data?.pages.flatMap((p) => p.items) ?? [];

  async function run(a: Parameters<typeof action.mutateAsync>[0], done: string) {
    try {
      await action.mutateAsync(a);
      notifications.show({ color: "green", message: done });
    } catch (error) {
      notifyError("Not changed", error, plansHref);
      throw error;
    }
  }

  return (
    <Stack>
      <Group justify="space-between">
        <Title order={2}>Flows</Title>
        {canWrite && (
          <Button leftSection={<IconPlus size={16} />} onClick={creatingHandlers.open}>
            New flow
          </Button>
        )}
      </Group>
      <Group>
        <TextInput
          aria-label="Search flows"
          placeholder="Search by name"
          leftSection={<IconSearch size={16} />}
          value={search}
          onChange={(e) => setSearch(e.currentTarget.value)}
          w={280}
        />
        <SegmentedControl
          aria-label="Show"
          value={view}
          onChange={(v) => setView(v as "active" | "archived")}
          data={[
            { value: "active", label: "Active" },
            { value: "archived", label: "Archived" },
          ]}
        />
      </Group>
      {list.isPending ? (
        <Loading label="Loading flows…" />
      ) : list.error ? (
        <ErrorState error={list.error} onRetry={() => list.refetch()} />
      ) : flows.length === 0 ? (
        <EmptyState
          title={debounced ? "No flow matches" : view === "archived" ? "No archived flows" : "No flows yet"}
          action={
            !debounced && view === "active" && canWrite ? (
              <Button onClick={creatingHandlers.open}>Create your first flow</Button>
            ) : undefined
          }
        >
          {debounced
            ? `No flow's name contains “${debounced}”. Try another search.`
            : view === "archived"
              ? "Flows you archive appear here; you can restore them."
              : "A flow answers your contacts automatically. Start from a template or a blank canvas."}
        </EmptyState>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table highlightOnHover verticalSpacing="sm" aria-label="Flows">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Name</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Published version</Table.Th>
                <Table.Th>Updated</Table.Th>
                <Table.Th w={48}><VisuallyHidden>Actions</VisuallyHidden></Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {flows.map((flow) => {
                const status = flowStatus(flow);
                return (
                  <Table.Tr key={flow.flow_id}>
                    <Table.Td>
                      <Text component={Link} to={flow.flow_id} fw={600} c="blue" td="none">
                        {flow.name}
                      </Text>
                    </Table.Td>
                    <Table.Td>
                      <Group gap={6}>
                        <Badge color={status.color} variant="light">{status.label}</Badge>
                        {flow.has_unpublished_changes && flow.latest_version > 0 && !flow.archived && (
                          <Tooltip label="The draft has changes not yet published">
                            <Badge color="orange" variant="dot">Changes</Badge>
                          </Tooltip>
                        )}
                      </Group>
                    </Table.Td>
                    <Table.Td>{flow.latest_version > 0 ? `v${flow.latest_version}` : "—"}</Table.Td>
                    <Table.Td>{when(flow.updated_at)}</Table.Td>
                    <Table.Td>
                      {canWrite && (
                        <Menu position="bottom-end" withinPortal>
                          <Menu.Target>
                            <ActionIcon variant="subtle" aria-label={`Actions for ${flow.name}`}>
                              <IconDots size={18} />
                            </ActionIcon>
                          </Menu.Target>
                          <Menu.Dropdown>
                            <Menu.Item leftSection={<IconPencil size={16} />} onClick={() => setNaming({ flow, kind: "rename" })}>
                              Rename
                            </Menu.Item>
                            <Menu.Item leftSection={<IconCopy size={16} />} onClick={() => setNaming({ flow, kind: "duplicate" })}>
                              Duplicate
                            </Menu.Item>
                            {flow.archived ? (
                              <Menu.Item leftSection={<IconArchiveOff size={16} />} onClick={() => run({ kind: "unarchive", flow_id: flow.flow_id }, `${flow.name} restored`).catch(() => undefined)}>
                                Unarchive
                              </Menu.Item>
                            ) : (
                              <Menu.Item color="red" leftSection={<IconArchive size={16} />} onClick={() => run({ kind: "archive", flow_id: flow.flow_id }, `${flow.name} archived`).catch(() => undefined)}>
                                Archive
                              </Menu.Item>
                            )}
                          </Menu.Dropdown>
                        </Menu>
                      )}
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      {list.hasNextPage && (
        <Group justify="center">
          <Button variant="default" loading={list.isFetchingNextPage} onClick={() => list.fetchNextPage()}>
            Load more
          </Button>
        </Group>
      )}
      <NewFlowModal workspaceId={workspaceId} opened={creating} onClose={creatingHandlers.close} />
      <NameModal
        opened={naming !== null}
        title={naming?.kind === "duplicate" ? "Duplicate flow" : "Rename flow"}
        submitLabel={naming?.kind === "duplicate" ? "Duplicate" : "Rename"}
        initial={naming ? (naming.kind === "duplicate" ? `${naming.flow.name} (copy)` : naming.flow.name) : ""}
        onClose={() => setNaming(null)}
        onSubmit={(name) =>
          naming
            ? run({ kind: naming.kind, flow_id: naming.flow.flow_id, name }, naming.kind === "duplicate" ? `Duplicated as ${name}` : `Renamed to ${name}`)
            : Promise.resolve()
        }
      />
    </Stack>
  );
}
