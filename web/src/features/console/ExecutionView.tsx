import { Alert, Badge, Button, Divider, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { IconArrowLeft, IconGitBranch } from "@tabler/icons-react";
import { useCallback, useEffect, useMemo, useState } from "react";

import type { FlowGraph } from "../../api/types";
import { ErrorState, Loading } from "../../components/PageState";
import { useCanvasOverlay } from "../../state/canvasOverlay";
import { useDivergence, useExecutionTimeline, useStateAfter } from "./api";
import { ExecutionTimeline } from "./ExecutionTimeline";
import { formatTime, nodeName, STATUS_COLOR } from "./format";
import type { ConsoleExecution } from "./model/liveState";
import { clampPosition, describeDivergence, replayFrame } from "./model/replay";
import { describeStep, stepContext } from "./model/stepView";
import { ReplayScrubber } from "./ReplayScrubber";
import { CodeSection } from "./StepDetail";

// One execution: its timeline, and the replay scrubber that walks the canvas through it. While
// this view is open the canvas shows the replay; closing it clears the replay overlay.

interface Props {
  workspaceId: string;
  executionId: string;
  execution: ConsoleExecution | undefined;
  definition: FlowGraph | null;
  publishedVersion: number | null;
  onBack: () => void;
}

function Divergence({ workspaceId, executionId, version }: { workspaceId: string; executionId: string; version: number | null }) {
  const divergence = useDivergence(workspaceId, executionId, version);
  if (version === null || !divergence.data) return null;
  const summary = describeDivergence(divergence.data);
  return (
    <Alert color={summary.same ? "green" : "orange"} icon={<IconGitBranch />} title={summary.same ? "Same path on the latest version" : "The latest version would diverge"} p="xs">
      <Text size="xs">{summary.message}</Text>
    </Alert>
  );
}

export function ExecutionView({ workspaceId, executionId, execution, definition, publishedVersion, onBack }: Props) {
  const timeline = useExecutionTimeline(workspaceId, executionId);
  const steps = useMemo(() => timeline.data?.steps ?? [], [timeline.data]);
  const views = useMemo(() => {
    const context = stepContext(steps);
    return steps.map((s) => describeStep(s, context));
  }, [steps]);
  // null: follow the newest step (a running execution keeps growing).
  const [chosen, setChosen] = useState<number | null>(null);
  const [playing, setPlaying] = useState(false);
  const position = clampPosition(steps, chosen ?? steps.length - 1);
  const frame = useMemo(() => replayFrame(steps, position), [steps, position]);
  const pathKey = frame.path.join(">");

  useEffect(() => {
    useCanvasOverlay.getState().setReplay(frame.nodeId, frame.path);
    // pathKey stands for frame.path (a new array on every render)
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [frame.nodeId, pathKey]);
  useEffect(() => () => useCanvasOverlay.getState().setReplay(null, []), [executionId]);

  const onPosition = useCallback((p: number) => setChosen(p >= steps.length - 1 ? null : p), [steps.length]);
  const state = useStateAfter(workspaceId, executionId, position + 1, steps.length > 0);
  const flowVersion = timeline.data?.flow_version ?? execution?.flow_version ?? null;
  const newer = publishedVersion !== null && flowVersion !== null && publishedVersion > flowVersion ? publishedVersion : null;
  const status = execution?.status;

  const describe = (p: number) => {
    const step = steps[p];
    const view = views[p];
    return step && view ? `${view.title} · ${nodeName(definition, replayFrame(steps, p).nodeId)}` : "";
  };

  return (
    <Stack gap="sm">
      <Group justify="space-between" wrap="nowrap">
        <Button variant="subtle" size="compact-sm" leftSection={<IconArrowLeft size={14} />} onClick={onBack}>
          Back to executions
        </Button>
        {status && (
          <Badge color={STATUS_COLOR[status] ?? "gray"} variant="light">
            {status}
          </Badge>
        )}
      </Group>
      <div>
        <Title order={5}>{execution?.contact_name || execution?.contact_id || "Execution"}</Title>
        <Text size="xs" c="dimmed">
          {flowVersion ? `Version ${flowVersion} · ` : ""}started {formatTime(execution?.started_at)}
          {execution?.ended_at ? ` · ended ${formatTime(execution.ended_at)}` : ""}
        </Text>
        {execution?.failure_reason && (
          <Text size="xs" c="red">
            {execution.failure_reason}
          </Text>
        )}
      </div>
      <Divergence workspaceId={workspaceId} executionId={executionId} version={newer} />
      {timeline.isPending ? (
        <Loading label="Loading the timeline…" />
      ) : timeline.error ? (
        <ErrorState error={timeline.error} onRetry={() => timeline.refetch()} />
      ) : (
        <>
          <Paper withBorder p="xs" radius="sm" aria-label="Replay">
            <Text size="xs" fw={700} tt="uppercase" c="dimmed" mb={4}>
              Replay on the canvas
            </Text>
            <ReplayScrubber count={steps.length} position={position} playing={playing} describe={describe} onPosition={onPosition} onPlaying={setPlaying} />
            {state.data && (
              <CodeSection label={`Variables after step ${position + 1}`} code={JSON.stringify(state.data.variables, null, 2)} />
            )}
          </Paper>
          <Divider label="Timeline" labelPosition="left" />
          <ExecutionTimeline steps={steps} views={views} position={position} definition={definition} onPosition={onPosition} />
        </>
      )}
    </Stack>
  );
}
