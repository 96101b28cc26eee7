import { Button, Grid, Group, Modal, ScrollArea, Select, Stack, Text, Title, UnstyledButton } from "@mantine/core";
import { useQuery } from "@tanstack/react-query";
import { useMemo, useState } from "react";

import { EmptyState, ErrorState, Loading } from "../../../components/PageState";
import { fetchVersion, flowKeys, useVersions } from "../api";
import { diffGraphs } from "../model/diff";
import type { FlowGraph } from "../model/types";
import { DiffSummary } from "./DiffSummary";
import { GraphView } from "./GraphView";

// Published versions: view one read-only, or compare two (or one with the draft) on a canvas.
type Pick = number | "draft";
type Mode = { kind: "view"; version: number } | { kind: "diff"; from: Pick; to: Pick } | null;

function useGraph(workspaceId: string, flowId: string, pick: Pick | null, draft: FlowGraph) {
  const q = useQuery({
    queryKey: flowKeys.version(workspaceId, flowId, typeof pick === "number" ? pick : 0),
    queryFn: () => fetchVersion(workspaceId, flowId, pick as number),
    enabled: typeof pick === "number",
    staleTime: Infinity,
  });
  if (pick === "draft") return { graph: draft, pending: false, error: null };
  return { graph: q.data?.graph ?? null, pending: pick !== null && q.isPending, error: q.error };
}

const label = (p: Pick) => (p === "draft" ? "the draft" : `version ${p}`);

export function VersionHistory({ opened, onClose, workspaceId, flowId, draft }: {
  opened: boolean; onClose: () => void; workspaceId: string; flowId: string; draft: FlowGraph;
}) {
  const versions = useVersions(workspaceId, flowId);
  const items = versions.data?.pages.flatMap((p) => p.items) ?? [];
  const [mode, setMode] = useState<Mode>(null);
  const [from, setFrom] = useState<string | null>(null);
  const [to, setTo] = useState<string | null>("draft");
  const left = useGraph(workspaceId, flowId, mode?.kind === "view" ? mode.version : mode?.kind === "diff" ? mode.from : null, draft);
  const right = useGraph(workspaceId, flowId, mode?.kind === "diff" ? mode.to : null, draft);
  const diff = useMemo(() => (mode?.kind === "diff" && left.graph && right.graph ? diffGraphs(left.graph, right.graph) : null), [mode, left.graph, right.graph]);
  const options = [...items.map((v) => ({ value: String(v.version), label: `Version ${v.version}` })), { value: "draft", label: "Current draft" }];
  const asPick = (v: string | null): Pick | null => (v === null ? null : v === "draft" ? "draft" : Number(v));

  return (
    <Modal opened={opened} onClose={onClose} title="Version history" size="90%">
      {versions.isPending ? <Loading label="Loading versions…" /> : versions.error ? <ErrorState error={versions.error} onRetry={() => versions.refetch()} /> : items.length === 0 ? (
        <EmptyState title="Not published yet">Publish the flow to create version 1; each publication adds a version here.</EmptyState>
      ) : (
        <Grid>
          <Grid.Col span={{ base: 12, md: 4 }}>
            <Stack gap="xs">
              <Group gap={6} align="flex-end" wrap="nowrap">
                <Select size="xs" label="Compare" data={options} value={from} onChange={setFrom} placeholder="Version" style={{ flex: 1 }} />
                <Select size="xs" label="with" data={options} value={to} onChange={setTo} style={{ flex: 1 }} />
                <Button size="xs" disabled={!from || !to || from === to} onClick={() => { const a = asPick(from); const b = asPick(to); if (a !== null && b !== null) setMode({ kind: "diff", from: a, to: b }); }}>
                  Compare
                </Button>
              </Group>
              <ScrollArea.Autosize mah="60vh">
                <Stack gap={6} component="ul" aria-label="Versions" style={{ listStyle: "none", padding: 0, margin: 0 }}>
                  {items.map((v) => (
                    <li key={v.version}>
                      <Group justify="space-between" wrap="nowrap" p={6} style={{ border: "1px solid var(--mantine-color-default-border)", borderRadius: 6 }}>
                        <UnstyledButton onClick={() => setMode({ kind: "view", version: v.version })} style={{ minWidth: 0 }}>
                          <Text size="sm" fw={600}>Version {v.version}</Text>
                          <Text size="xs" c="dimmed" lineClamp={2}>{v.note || "No note"}</Text>
                          <Text size="xs" c="dimmed">{new Date(v.published_at).toLocaleString()}</Text>
                        </UnstyledButton>
                        <Stack gap={4}>
                          <Button size="compact-xs" variant="light" onClick={() => setMode({ kind: "view", version: v.version })} aria-label={`View version ${v.version}`}>View</Button>
                          <Button size="compact-xs" variant="subtle" onClick={() => setMode({ kind: "diff", from: v.version, to: "draft" })} aria-label={`Compare version ${v.version} with the draft`}>
                            Diff draft
                          </Button>
                        </Stack>
                      </Group>
                    </li>
                  ))}
                </Stack>
              </ScrollArea.Autosize>
              {versions.hasNextPage && <Button size="xs" variant="default" loading={versions.isFetchingNextPage} onClick={() => versions.fetchNextPage()}>Load more</Button>}
            </Stack>
          </Grid.Col>
          <Grid.Col span={{ base: 12, md: 8 }}>
            {mode === null ? (
              <EmptyState title="Pick a version">View a version, or compare two versions (or one with the draft).</EmptyState>
            ) : left.pending || right.pending ? <Loading /> : left.error || right.error ? <ErrorState error={left.error ?? right.error} /> : (
              <Stack gap="xs" h="65vh">
                <Title order={5}>{mode.kind === "view" ? `Version ${mode.version} (read-only)` : `Changes from ${label(mode.from)} to ${label(mode.to)}`}</Title>
                {diff && <DiffSummary diff={diff} />}
                <div style={{ flex: 1, minHeight: 300 }}>
                  {mode.kind === "view" && left.graph && <GraphView graph={left.graph} label={`Version ${mode.version}`} />}
                  {mode.kind === "diff" && left.graph && right.graph && diff && <GraphView graph={right.graph} before={left.graph} diff={diff} label="Version diff" />}
                </div>
              </Stack>
            )}
          </Grid.Col>
        </Grid>
      )}
    </Modal>
  );
}
