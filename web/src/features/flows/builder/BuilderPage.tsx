import { Box, Paper } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { useQueryClient } from "@tanstack/react-query";
import { ReactFlowProvider, useReactFlow } from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import { useParams } from "react-router";

import type { FlowDetail } from "../../../api/types";
import { ErrorState, Loading } from "../../../components/PageState";
import { usePermissions } from "../../../state/permissions";
import { useWorkspaceId } from "../../../state/workspace";
import { flowKeys, useFlow } from "../api";
import { flowStatus } from "../list/FlowsListPage";
import { checkGraph } from "../model/checks";
import { mapProblems, mergeProblems } from "../model/problems";
import { useBuilder } from "../state/builderStore";
import { VersionHistory } from "../history/VersionHistory";
import { Canvas } from "./Canvas";
import { ProblemsButton } from "./ProblemsButton";
import { PublishModal } from "./PublishModal";
import { SaveIndicator } from "./SaveIndicator";
import { SidePanel } from "./SidePanel";
import { Toolbar } from "./Toolbar";
import { useAutosave } from "./useAutosave";
import { useServerValidation } from "./useServerValidation";
import { useShortcuts } from "./useShortcuts";

export function BuilderPage() {
  const workspaceId = useWorkspaceId();
  const { flowId = "" } = useParams();
  const flow = useFlow(workspaceId, flowId);
  if (flow.isPending) return <Loading label="Loading the flow…" />;
  if (flow.error || !flow.data) return <ErrorState error={flow.error} onRetry={() => flow.refetch()} />;
  return (
    <ReactFlowProvider key={flowId}>
      <Builder workspaceId={workspaceId} detail={flow.data} />
    </ReactFlowProvider>
  );
}

function Builder({ workspaceId, detail }: { workspaceId: string; detail: FlowDetail }) {
  const flowId = detail.flow_id;
  const [loaded, setLoaded] = useState(false);
  useEffect(() => {
    useBuilder.getState().load(detail.draft);
    setLoaded(true);
    // Load once per flow: later refetches must not overwrite edits in progress.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [flowId]);
  if (!loaded) return <Loading label="Opening the builder…" />;
  return <BuilderBody workspaceId={workspaceId} detail={detail} />;
}

function BuilderBody({ workspaceId, detail }: { workspaceId: string; detail: FlowDetail }) {
  const flowId = detail.flow_id;
  const client = useQueryClient();
  const readOnly = !usePermissions(workspaceId)("flows:write");
  const graph = useBuilder((s) => s.graph);
  const { status, save } = useAutosave(workspaceId, flowId, graph, !readOnly);
  const server = useServerValidation(workspaceId, flowId, graph, true);
  const client_ = useMemo(() => checkGraph(graph), [graph]);
  const problems = useMemo(() => {
    // The server's answer wins for a field it reports; the client's covers what it has not seen yet.
    const covered = new Set(server.problems.map((p) => `${p.node_id ?? ""}\u0000${p.field}`));
    return mergeProblems(server.problems, client_.filter((p) => !covered.has(`${p.node_id ?? ""}\u0000${p.field}`)));
  }, [server.problems, client_]);
  const nodeIds = useMemo(() => graph.nodes.map((n) => n.id), [graph.nodes]);
  const problemMap = useMemo(() => mapProblems(problems, nodeIds), [problems, nodeIds]);
  const errors = useMemo(() => problems.filter((p) => p.severity !== "warning"), [problems]);

  const wide = useMediaQuery("(min-width: 62em)", true, { getInitialValueInEffect: false });
  const [panelOpen, setPanelOpen] = useState(wide);
  const [tab, setTab] = useState("node");
  const [publishing, setPublishing] = useState(false);
  const [history, setHistory] = useState(false);
  const [published, setPublished] = useState(detail.latest_version || null);
  const rf = useReactFlow();
  // Whether the draft differs from the published version: edits since opening or publishing.
  const [unpublished, setUnpublished] = useState(detail.has_unpublished_changes);
  const [publishedGraph, setPublishedGraph] = useState(graph);
  if (graph !== publishedGraph && !unpublished) setUnpublished(true);

  const focusNode = useCallback(
    (id: string | null) => {
      const store = useBuilder.getState();
      store.select(id ? [id] : [], []);
      setTab("node");
      setPanelOpen(true);
      const node = id ? store.graph.nodes.find((n) => n.id === id) : undefined;
      if (!node) return;
      const size = store.measured[node.id] ?? { width: 220, height: 80 };
      void rf.setCenter(node.position.x + size.width / 2, node.position.y + size.height / 2, { zoom: Math.max(rf.getZoom(), 1), duration: 300 });
    },
    [rf],
  );

  // Selecting one node on a tablet opens the drawer with its form.
  const selectedOne = useBuilder((s) => (s.selectedNodes.length === 1 ? s.selectedNodes[0] : null));
  useEffect(() => {
    if (selectedOne && !wide) setPanelOpen(true);
    if (selectedOne) setTab("node");
  }, [selectedOne, wide]);

  useShortcuts(!readOnly);

  const status_ = flowStatus({ ...detail, latest_version: published ?? 0 });
  return (
    <Paper withBorder radius="md" style={{ height: "calc(100dvh - var(--app-shell-header-height, 56px) - 2 * var(--mantine-spacing-md))", minHeight: 480, display: "flex", flexDirection: "column", overflow: "hidden" }}>
      <Toolbar
        name={detail.name}
        status={status_}
        unpublished={published !== null && unpublished}
        readOnly={readOnly}
        saveIndicator={<SaveIndicator status={status} onRetry={() => void save()} />}
        problems={<ProblemsButton problems={problems} graph={graph} onFocusNode={focusNode} pending={server.pending} failure={server.failure} />}
        onPublish={() => setPublishing(true)}
        onHistory={() => setHistory(true)}
        panelOpen={panelOpen}
        onTogglePanel={() => setPanelOpen((o) => !o)}
      />
      <Box style={{ display: "flex", flex: 1, minHeight: 0 }}>
        <Canvas problems={problemMap} readOnly={readOnly} />
        <SidePanel wide={wide} opened={panelOpen} onClose={() => setPanelOpen(false)} tab={tab} onTab={setTab} problems={problems}
          readOnly={readOnly} workspaceId={workspaceId} flowId={flowId} publishedVersion={published} graph={graph} />
      </Box>
      <PublishModal opened={publishing} onClose={() => setPublishing(false)} workspaceId={workspaceId} flowId={flowId} errors={errors} flush={save}
        onFocusNode={focusNode}
        onPublished={(version) => {
          setPublished(version);
          setUnpublished(false);
          setPublishedGraph(useBuilder.getState().graph);
          client.setQueryData<FlowDetail>(flowKeys.detail(workspaceId, flowId), (d) => (d ? { ...d, latest_version: version, has_unpublished_changes: false } : d));
          void client.invalidateQueries({ queryKey: flowKeys.versions(workspaceId, flowId) });
          void client.invalidateQueries({ queryKey: ["flows", workspaceId, "list"] });
        }} />
      {history && <VersionHistory opened={history} onClose={() => setHistory(false)} workspaceId={workspaceId} flowId={flowId} draft={graph} />}
    </Paper>
  );
}
