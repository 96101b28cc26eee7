import { ActionIcon, Alert, Button, Card, Group, List, NumberInput, Select, Stack, Switch, TagsInput, Text, TextInput, Title } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";

import { describeProblem, fieldProblem } from "../model/problems";
import type { FlowProblem, FlowTrigger, FlowVariable, TriggerKind } from "../model/types";
import { useBuilder } from "../state/builderStore";

// The flow's own settings, shown when no node is selected: where executions start, what starts
// them (triggers) and the variables it declares.

const TRIGGER_KINDS: { value: TriggerKind; label: string }[] = [
  { value: "keyword", label: "Keyword" },
  { value: "any_inbound", label: "Any inbound message" },
  { value: "first_message", label: "First message from a contact" },
  { value: "button_payload", label: "Button payload" },
  { value: "tag_added", label: "Tag added" },
  { value: "api", label: "API call" },
  { value: "campaign", label: "Campaign" },
];

function newTrigger(kind: TriggerKind, old?: FlowTrigger): FlowTrigger {
  const base = { priority: old?.priority ?? 0, exclusive: old?.exclusive ?? true };
  switch (kind) {
    case "keyword": return { ...base, kind, match: "equals", keywords: [] };
    case "button_payload": return { ...base, kind, payloads: [] };
    case "tag_added": return { ...base, kind, tag: "" };
    default: return { ...base, kind } as FlowTrigger;
  }
}

export function FlowSettings({ problems, readOnly }: { problems: FlowProblem[]; readOnly?: boolean }) {
  const graph = useBuilder((s) => s.graph);
  const update = useBuilder((s) => s.updateFlow);
  const flowProblems = problems.filter((p) => !p.node_id);
  const err = (field: string) => fieldProblem(problems, null, field);

  const setTrigger = (i: number, t: FlowTrigger, key?: string) =>
    update({ triggers: graph.triggers.map((x, j) => (j === i ? t : x)) }, key);
  const setVariable = (i: number, v: FlowVariable, key?: string) =>
    update({ variables: graph.variables.map((x, j) => (j === i ? v : x)) }, key);

  return (
    <Stack gap="md" component="section" aria-label="Flow settings">
      <div>
        <Title order={4}>Flow settings</Title>
        <Text size="xs" c="dimmed">Select a node on the canvas to edit it.</Text>
      </div>
      {flowProblems.length > 0 && (
        <Alert color={flowProblems.some((p) => p.severity !== "warning") ? "red" : "yellow"} p="xs" title="Flow problems">
          <List size="xs" spacing={2}>
            {flowProblems.map((p) => <List.Item key={`${p.field}:${p.rule}`}>{describeProblem(p)}</List.Item>)}
          </List>
        </Alert>
      )}
      <fieldset disabled={readOnly} style={{ border: 0, padding: 0, margin: 0, minWidth: 0 }}>
        <Stack gap="md">
          <Select label="Start node" description="Where a triggered execution begins" placeholder="Choose a node" data={graph.nodes.map((n) => ({ value: n.id, label: n.label ? `${n.label} (${n.id})` : n.id }))}
            value={graph.entry || null} onChange={(id) => update({ entry: id ?? "" })} error={err("entry")} searchable />

          <Stack gap="xs">
            <Text fw={600} size="sm">Triggers</Text>
            {graph.triggers.length === 0 && <Text size="xs" c="dimmed">Nothing starts this flow yet. Add a keyword, API or campaign trigger.</Text>}
            {graph.triggers.map((t, i) => (
              <Card key={i} withBorder p="xs" aria-label={`Trigger ${i + 1}`} component="section">
                <Stack gap={6}>
                  <Group gap={6} wrap="nowrap" align="flex-end">
                    <Select size="xs" label={`Trigger ${i + 1} kind`} data={TRIGGER_KINDS} allowDeselect={false} value={t.kind} style={{ flex: 1 }}
                      onChange={(k) => k && setTrigger(i, newTrigger(k as TriggerKind, t))} />
                    <ActionIcon variant="subtle" color="red" aria-label={`Remove trigger ${i + 1}`} onClick={() => update({ triggers: graph.triggers.filter((_, j) => j !== i) })}>
                      <IconTrash size={16} />
                    </ActionIcon>
                  </Group>
                  {t.kind === "keyword" && (
                    <>
                      <Select size="xs" label="Match" allowDeselect={false} value={t.match} data={[
                        { value: "equals", label: "Message equals" }, { value: "contains", label: "Message contains" },
                        { value: "starts_with", label: "Message starts with" }, { value: "regex", label: "Regular expression" },
                      ]} onChange={(m) => m && setTrigger(i, { ...t, match: m as typeof t.match })} />
                      <TagsInput size="xs" label="Keywords" description="Press Enter after each" value={t.keywords} maxTags={50}
                        onChange={(keywords) => setTrigger(i, { ...t, keywords })} error={err(`triggers[${i}].keywords`)} />
                    </>
                  )}
                  {t.kind === "button_payload" && (
                    <TagsInput size="xs" label="Button payloads" value={t.payloads} onChange={(payloads) => setTrigger(i, { ...t, payloads })} error={err(`triggers[${i}].payloads`)} />
                  )}
                  {t.kind === "tag_added" && (
                    <TextInput size="xs" label="Tag" value={t.tag} onChange={(e) => setTrigger(i, { ...t, tag: e.currentTarget.value }, `trigger:${i}:tag`)} error={err(`triggers[${i}].tag`)} />
                  )}
                  <Group gap="md" align="flex-end">
                    <NumberInput size="xs" label="Priority" description="Higher runs first" min={-100} max={100} allowDecimal={false} w={110} value={t.priority}
                      onChange={(v) => typeof v === "number" && setTrigger(i, { ...t, priority: v }, `trigger:${i}:priority`)} error={err(`triggers[${i}].priority`)} />
                    <Switch size="xs" label="Stop other flows" checked={t.exclusive} onChange={(e) => setTrigger(i, { ...t, exclusive: e.currentTarget.checked })} />
                  </Group>
                </Stack>
              </Card>
            ))}
            <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} w="fit-content" disabled={graph.triggers.length >= 20}
              onClick={() => update({ triggers: [...graph.triggers, newTrigger("keyword")] })}>
              Add trigger
            </Button>
          </Stack>

          <Stack gap="xs">
            <Text fw={600} size="sm">Variables</Text>
            {graph.variables.map((v, i) => (
              <Group key={i} gap={6} wrap="nowrap" align="flex-start">
                <TextInput size="xs" label={`Variable ${i + 1} name`} value={v.name} style={{ flex: 1 }} error={err(`variables[${i}].name`)}
                  onChange={(e) => setVariable(i, { ...v, name: e.currentTarget.value }, `var:${i}:name`)} />
                <Select size="xs" label="Type" w={100} allowDeselect={false} data={["text", "number", "boolean", "date"]} value={v.type}
                  onChange={(type) => type && setVariable(i, { ...v, type: type as FlowVariable["type"] })} />
                <TextInput size="xs" label="Default" w={100} value={v.default == null ? "" : String(v.default)}
                  onChange={(e) => setVariable(i, { ...v, default: e.currentTarget.value === "" ? null : e.currentTarget.value }, `var:${i}:default`)} />
                <ActionIcon mt={22} variant="subtle" color="red" aria-label={`Remove variable ${i + 1}`} onClick={() => update({ variables: graph.variables.filter((_, j) => j !== i) })}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Group>
            ))}
            {err("variables") && <Text size="xs" c="red">{err("variables")}</Text>}
            <Button size="xs" variant="light" leftSection={<IconPlus size={14} />} w="fit-content"
              onClick={() => update({ variables: [...graph.variables, { name: `var_${graph.variables.length + 1}`, type: "text", default: null }] })}>
              Add variable
            </Button>
          </Stack>
        </Stack>
      </fieldset>
    </Stack>
  );
}
