import { Badge, Button, Popover, ScrollArea, Stack, Text, UnstyledButton } from "@mantine/core";
import { IconAlertCircle, IconCircleCheck } from "@tabler/icons-react";
import { useState } from "react";

import { nodeInfo } from "../model/nodeTypes";
import type { FlowGraph, FlowProblem } from "../model/types";

// The problems list: every problem of the flow; a node's problem focuses that node.
export function ProblemsButton({ problems, graph, onFocusNode, pending, failure }: {
  problems: FlowProblem[];
  graph: FlowGraph;
  onFocusNode: (id: string | null) => void;
  pending: boolean;
  /** why the server's validation could not run, if it could not */
  failure: string | null;
}) {
  const [opened, setOpened] = useState(false);
  const errors = problems.filter((p) => p.severity !== "warning").length;
  const warnings = problems.length - errors;
  // The accessible name starts from the visible text (WCAG 2.5.3), so speech users can say it.
  const summary =
    errors || warnings
      ? `${errors} error${errors === 1 ? "" : "s"} · ${warnings} warning${warnings === 1 ? "" : "s"}`
      : pending
        ? "Checking…"
        : "No problems";
  return (
    <Popover opened={opened} onChange={setOpened} position="bottom-end" width={380} withinPortal shadow="md">
      <Popover.Target>
        <Button size="xs" variant="light" color={errors ? "red" : warnings ? "yellow" : "teal"} onClick={() => setOpened((o) => !o)}
          leftSection={errors || warnings ? <IconAlertCircle size={16} /> : <IconCircleCheck size={16} />}
          aria-label={`Problems: ${summary}`}>
          {summary}
        </Button>
      </Popover.Target>
      <Popover.Dropdown p="xs">
        {failure && (
          <Text size="xs" c="orange" mb={6} role="status">
            The flow engine could not check the flow ({failure}); only the builder's own checks are shown.
          </Text>
        )}
        {problems.length === 0 ? (
          <Text size="sm" c="dimmed">No problems: the flow can be published.</Text>
        ) : (
          <ScrollArea.Autosize mah={360}>
            <Stack gap={4} component="ul" aria-label="Problems list" style={{ listStyle: "none", padding: 0, margin: 0 }}>
              {problems.map((p, i) => {
                const node = p.node_id ? graph.nodes.find((n) => n.id === p.node_id) : undefined;
                return (
                  <li key={i}>
                    <UnstyledButton w="100%" p={6} style={{ borderRadius: 4 }} className="mantine-focus-auto"
                      onClick={() => {
                        onFocusNode(node ? node.id : null);
                        setOpened(false);
                      }}>
                      <Badge size="xs" color={p.severity === "warning" ? "yellow" : "red"} mr={6}>{p.severity === "warning" ? "warning" : "error"}</Badge>
                      <Text span size="xs" fw={600}>{node ? `${nodeInfo(node.type).label} ${node.id}` : "Flow"}</Text>
                      <Text size="xs">{p.field ? `${p.field}: ` : ""}{p.rule}</Text>
                    </UnstyledButton>
                  </li>
                );
              })}
            </Stack>
          </ScrollArea.Autosize>
        )}
      </Popover.Dropdown>
    </Popover>
  );
}
