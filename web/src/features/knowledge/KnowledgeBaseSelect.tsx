import { Anchor, Select, Text } from "@mantine/core";
import { Link } from "react-router";

import { useKnowledgeBases } from "./queries";

const ALL = "";

/** The AI answer node's knowledge base: one of the workspace's, or all of them. A node that names
 * one deleted since keeps it (shown by id) until another is chosen. */
export function KnowledgeBaseSelect({
  workspaceId,
  value,
  onChange,
  error,
}: {
  workspaceId: string;
  value: string;
  onChange: (knowledgeBaseId: string) => void;
  error?: string;
}) {
  const list = useKnowledgeBases(workspaceId);
  const bases = list.data?.pages.flatMap((p) => p.items) ?? [];
  const data = [{ value: ALL, label: "All knowledge bases" }, ...bases.map((kb) => ({ value: kb.knowledge_base_id, label: kb.name }))];
  if (value && !bases.some((kb) => kb.knowledge_base_id === value) && !list.isPending) data.push({ value, label: `${value} (not found)` });
  const knowledge = `/w/${workspaceId}/knowledge`;
  return (
    <Select
      label="Knowledge base"
      allowDeselect={false}
      data={data}
      value={value}
      onChange={(v) => onChange(v ?? ALL)}
      error={error ?? (list.error ? "The knowledge bases could not be loaded" : undefined)}
      description={
        !list.isPending && !bases.length ? (
          <Text span size="xs">
            No knowledge bases yet: the node finds no answer until you{" "}
            <Anchor component={Link} to={knowledge} size="xs">
              add documents on the Knowledge page
            </Anchor>
            .
          </Text>
        ) : (
          <Text span size="xs">
            Answers come only from these documents.{" "}
            <Anchor component={Link} to={knowledge} size="xs">
              Manage knowledge
            </Anchor>
          </Text>
        )
      }
    />
  );
}
