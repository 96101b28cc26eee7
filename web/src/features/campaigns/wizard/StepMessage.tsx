import { ActionIcon, Alert, Button, Code, Group, SegmentedControl, Select, Stack, Text, TextInput, Tooltip } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";

import { useFields } from "../../contacts/queries";
import { parameterExpression, type ParameterSource } from "../definition";
import { useFlowsForCampaigns } from "../queries";
import type { StepProps } from "./steps";

function ParameterRow({ index, value, options, onChange, onRemove }: { index: number; value: ParameterSource; options: { value: string; label: string }[]; onChange: (p: ParameterSource) => void; onRemove: () => void }) {
  const n = index + 1;
  return (
    <Group align="flex-end" wrap="wrap" gap="sm">
      <Select label={`Parameter {{${n}}}`} data={options} value={value.source} allowDeselect={false} onChange={(source) => source && onChange({ ...value, source })} w={220} />
      {value.source === "text" ? (
        <TextInput label={`Text for {{${n}}}`} value={value.text} onChange={(e) => onChange({ ...value, text: e.currentTarget.value })} w={240} />
      ) : (
        <TextInput label={`Fallback for {{${n}}}`} description="When the contact has no value" placeholder="there" value={value.fallback} onChange={(e) => onChange({ ...value, fallback: e.currentTarget.value })} w={240} />
      )}
      <Code>{parameterExpression(value) || "—"}</Code>
      <Tooltip label="Remove parameter">
        <ActionIcon variant="subtle" color="red" aria-label={`Remove parameter ${n}`} onClick={onRemove} mb={6}>
          <IconTrash size={16} />
        </ActionIcon>
      </Tooltip>
    </Group>
  );
}

export function StepMessage({ workspaceId, state, set }: StepProps) {
  const fields = useFields(workspaceId);
  const flows = useFlowsForCampaigns(workspaceId, state.kind === "flow");
  const options = [
    { value: "name", label: "Contact name" },
    { value: "phone", label: "Contact phone" },
    { value: "language", label: "Contact language" },
    ...(fields.data ?? []).map((f) => ({ value: `field:${f.key}`, label: `Field: ${f.label || f.key}` })),
    { value: "text", label: "Fixed text" },
  ];
  const setParameter = (i: number, p: ParameterSource) => set({ parameters: state.parameters.map((old, n) => (n === i ? p : old)) });

  return (
    <Stack>
      <SegmentedControl
        aria-label="Message"
        w="fit-content"
        value={state.kind}
        onChange={(v) => set({ kind: v as "template" | "flow" })}
        data={[
          { value: "template", label: "Template message" },
          { value: "flow", label: "Start a flow" },
        ]}
      />
      {state.kind === "template" ? (
        <Stack>
          <Text size="sm" c="dimmed">
            Only a template WhatsApp approved reaches contacts who have not written in the last 24 hours. Give its name and language as in WhatsApp Manager.
          </Text>
          <Group grow maw={560}>
            <TextInput label="Template name" placeholder="spring_sale" value={state.templateName} onChange={(e) => set({ templateName: e.currentTarget.value })} required />
            <TextInput label="Template language" placeholder="en_US" value={state.templateLanguage} onChange={(e) => set({ templateLanguage: e.currentTarget.value })} />
          </Group>
          <Text fw={600} size="sm">
            Body parameters
          </Text>
          {state.parameters.length === 0 && <Text size="sm" c="dimmed">None. Add one per {"{{n}}"} in the template's body.</Text>}
          {state.parameters.map((p, i) => (
            <ParameterRow key={i} index={i} value={p} options={options} onChange={(next) => setParameter(i, next)} onRemove={() => set({ parameters: state.parameters.filter((_, n) => n !== i) })} />
          ))}
          <Button variant="light" w="fit-content" leftSection={<IconPlus size={16} />} onClick={() => set({ parameters: [...state.parameters, { source: "name", text: "", fallback: "" }] })}>
            Add parameter
          </Button>
        </Stack>
      ) : (
        <Stack maw={520}>
          <Select
            label="Flow"
            description="A published flow with a campaign trigger; the dry run checks it"
            placeholder={flows.isPending ? "Loading…" : "Choose a flow"}
            data={(flows.data ?? []).map((f) => ({ value: f.flow_id, label: `${f.name}${f.latest_version ? "" : " (never published)"}` }))}
            value={state.flowId || null}
            onChange={(v) => set({ flowId: v ?? "" })}
            searchable
          />
          {flows.data && !flows.data.length && <Alert color="yellow">No flows yet: build one with a campaign trigger and publish it first.</Alert>}
        </Stack>
      )}
    </Stack>
  );
}
