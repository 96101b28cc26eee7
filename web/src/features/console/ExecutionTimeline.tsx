import { Box, Group, Stack, Text, ThemeIcon, UnstyledButton } from "@mantine/core";
import { IconAlertTriangle, IconPoint } from "@tabler/icons-react";
import { useEffect, useRef } from "react";

import type { FlowGraph } from "../../api/types";
import { formatTime, nodeName } from "./format";
import type { TimelineStep } from "./model/replay";
import type { StepView } from "./model/stepView";
import { StepDetail } from "./StepDetail";

// Every event of the execution's log, the scrubber's position marked; a click moves it there.

interface Props {
  steps: readonly TimelineStep[];
  views: readonly StepView[];
  position: number;
  definition: FlowGraph | null;
  onPosition: (position: number) => void;
}

export function ExecutionTimeline({ steps, views, position, definition, onPosition }: Props) {
  const current = useRef<HTMLLIElement>(null);
  useEffect(() => {
    current.current?.scrollIntoView?.({ block: "nearest" });
  }, [position]);

  return (
    <Stack component="ol" gap={0} m={0} p={0} style={{ listStyle: "none" }} aria-label="Execution timeline">
      {steps.map((step, i) => {
        const view = views[i];
        if (!view) return null;
        const isCurrent = i === position;
        const node = view.about ?? step.node_id;
        const past = i < position;
        return (
          <Box
            component="li"
            key={step.index}
            ref={isCurrent ? current : undefined}
            aria-current={isCurrent ? "step" : undefined}
            data-failed={view.failed || undefined}
            px="xs"
            py={6}
            style={{
              borderLeft: `3px solid var(--mantine-color-${view.tone}-${isCurrent ? 6 : 4})`,
              background: isCurrent ? "var(--mantine-primary-color-light)" : view.failed ? "var(--mantine-color-red-light)" : undefined,
              opacity: past || isCurrent ? 1 : 0.75,
            }}
          >
            <UnstyledButton onClick={() => onPosition(i)} w="100%" aria-label={`Step ${i + 1}: ${view.title} at ${nodeName(definition, node)}`}>
              <Group gap={6} wrap="nowrap" justify="space-between">
                <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                  <ThemeIcon size="xs" radius="xl" color={view.tone} variant={isCurrent ? "filled" : "light"} aria-hidden>
                    {view.failed ? <IconAlertTriangle size={10} /> : <IconPoint size={10} />}
                  </ThemeIcon>
                  <Text size="sm" fw={isCurrent ? 700 : 500} c={view.failed ? "red" : undefined} truncate>
                    {view.title}
                  </Text>
                  {node && (
                    <Text size="xs" c="dimmed" truncate>
                      {nodeName(definition, node)}
                    </Text>
                  )}
                </Group>
                <Text size="xs" c="dimmed" style={{ flexShrink: 0 }}>
                  {formatTime(step.at)}
                </Text>
              </Group>
            </UnstyledButton>
            <Box pl={22} pt={view.body.kind === "none" ? 0 : 4}>
              <StepDetail body={view.body} />
            </Box>
          </Box>
        );
      })}
    </Stack>
  );
}
