import { ActionIcon, Button, Group, NumberInput, SegmentedControl, Select, Stack, TagsInput, Text, TextInput, Textarea } from "@mantine/core";
import { IconPlus, IconTrash } from "@tabler/icons-react";

import { useWorkspaceId } from "../../../state/workspace";
import { KnowledgeBaseSelect } from "../../knowledge/KnowledgeBaseSelect";
import { MAX_DELAY_SECONDS } from "../model/checks";
import type { FlowNode, FlowProblem, NodeOf } from "../model/types";
import { KeyValueEditor } from "./KeyValueEditor";
import { MessageFields } from "./MessageFields";
import { useNodeForm } from "./useNodeForm";

// The side panel's fields for each node type, with the contract's limits.

type P<T extends FlowNode["type"]> = { node: NodeOf<T>; problems: FlowProblem[]; nodeIds: string[] };

const VARIABLE_HINT = "lowercase letters, digits and _";

function SendMessage(p: P<"send_message">) {
  const f = useNodeForm(p.node, p.problems);
  return <MessageFields f={f} />;
}

function Condition(p: P<"condition">) {
  const { bind } = useNodeForm(p.node, p.problems);
  return (
    <Textarea label="Condition" withAsterisk autosize minRows={2} placeholder='normalize(reply.text) in ["yes", "si"]'
      description="True continues at the true port, false at the false port." {...bind("expression")} />
  );
}

function SetVariable(p: P<"set_variable">) {
  const { bind } = useNodeForm(p.node, p.problems);
  return (
    <>
      <TextInput label="Variable" withAsterisk description={VARIABLE_HINT} {...bind("variable")} />
      <Textarea label="Value expression" withAsterisk autosize minRows={2} description='An expression; text in quotes, e.g. "gold"' {...bind("expression")} />
    </>
  );
}

function WaitForReply(p: P<"wait_for_reply">) {
  const { form, bind, num } = useNodeForm(p.node, p.problems);
  const kind = form.getValues().validation.kind;
  return (
    <>
      <TextInput label="Save reply to variable" description={`Optional; ${VARIABLE_HINT}`} {...bind("save_to")} />
      <NumberInput label="Timeout (seconds)" description="After this long without a reply, continue at the timeout port" min={10} max={MAX_DELAY_SECONDS} allowDecimal={false} {...num("timeout_seconds")} />
      <Select label="Expected reply" allowDeselect={false} data={[
        { value: "none", label: "Anything" },
        { value: "number", label: "A number" },
        { value: "email", label: "An email address" },
        { value: "phone", label: "A phone number" },
        { value: "option", label: "One of some options" },
      ]} {...bind("validation.kind")} />
      {kind === "option" && <TagsInput label="Options" withAsterisk description="Press Enter after each (up to 20)" maxTags={20} {...bind("validation.options")} />}
      {kind !== "none" && (
        <>
          <Textarea label="Ask again with" autosize description="Sent when a reply does not match" {...bind("validation.reprompt")} />
          <NumberInput label="Times to ask again" min={0} max={10} allowDecimal={false} {...num("validation.max_reprompts")} />
        </>
      )}
    </>
  );
}

function Delay(p: P<"delay">) {
  const { form, num, bind } = useNodeForm(p.node, p.problems);
  const v = form.getValues();
  const mode = v.until_time_of_day != null ? "time" : "duration";
  return (
    <>
      <SegmentedControl aria-label="Wait for" value={mode} data={[{ value: "duration", label: "A duration" }, { value: "time", label: "A time of day" }]}
        onChange={(m) => form.setValues({ seconds: m === "duration" ? 3600 : null, until_time_of_day: m === "time" ? "09:00" : null } as never)} />
      {mode === "duration" ? (
        <NumberInput label="Seconds" withAsterisk min={1} max={MAX_DELAY_SECONDS} allowDecimal={false} {...num("seconds", true)} />
      ) : (
        <TextInput label="Until time of day" withAsterisk description="HH:MM, 24 hours, in the contact's time zone" {...bind("until_time_of_day")} value={v.until_time_of_day ?? ""} />
      )}
    </>
  );
}

function AiAnswer(p: P<"ai_answer">) {
  const { form, bind, num, err } = useNodeForm(p.node, p.problems);
  const workspaceId = useWorkspaceId();
  return (
    <>
      <Textarea label="Question" withAsterisk autosize description="Usually the customer's reply: {{reply.text}}" {...bind("question")} />
      <KnowledgeBaseSelect workspaceId={workspaceId} value={form.getValues().knowledge_base_id ?? ""} onChange={(id) => form.setFieldValue("knowledge_base_id", id)} error={err("knowledge_base_id")} />
      <TextInput label="Save answer to variable" description={`Optional; ${VARIABLE_HINT}`} {...bind("save_to")} />
      <Group grow>
        <NumberInput label="Timeout (seconds)" min={1} max={120} {...num("timeout_seconds")} />
        <NumberInput label="Attempts" min={1} max={10} allowDecimal={false} {...num("max_attempts")} />
      </Group>
    </>
  );
}

function HttpRequest(p: P<"http_request">) {
  const { form, bind, num, err } = useNodeForm(p.node, p.problems);
  const v = form.getValues();
  return (
    <>
      <Group grow align="flex-start">
        <Select label="Method" allowDeselect={false} data={["GET", "POST", "PUT", "PATCH", "DELETE"]} {...bind("method")} style={{ maxWidth: 110 }} />
        <TextInput label="URL" withAsterisk placeholder="https://api.example.com/orders/{{vars.order}}" {...bind("url")} />
      </Group>
      <KeyValueEditor label="Headers" keyLabel="Header" valueLabel="Value" value={v.headers} onChange={(h) => form.setFieldValue("headers", h)} error={err("headers")} />
      {v.method !== "GET" && <Textarea label="Body (JSON)" autosize minRows={3} {...bind("body")} />}
      <Group grow>
        <NumberInput label="Timeout (seconds)" min={1} max={30} {...num("timeout_seconds")} />
        <NumberInput label="Attempts" min={1} max={10} allowDecimal={false} {...num("max_attempts")} />
      </Group>
      <KeyValueEditor label="Save from the response" keyLabel="Variable" valueLabel="JSON path (e.g. data.status)" value={v.response_mapping}
        onChange={(m) => form.setFieldValue("response_mapping", m)} error={err("response_mapping")} />
    </>
  );
}

function UpdateContact(p: P<"update_contact">) {
  const { form, bind, err } = useNodeForm(p.node, p.problems);
  return (
    <>
      <TagsInput label="Add tags" maxTags={20} description="Press Enter after each" {...bind("add_tags")} />
      <TagsInput label="Remove tags" maxTags={20} {...bind("remove_tags")} />
      <KeyValueEditor label="Set fields" keyLabel="Field" valueLabel="Value ({{ }} allowed)" value={form.getValues().set_fields}
        onChange={(fields) => form.setFieldValue("set_fields", fields)} error={err("set_fields")} />
    </>
  );
}

function Handover(p: P<"handover">) {
  const { bind } = useNodeForm(p.node, p.problems);
  return <Textarea label="Note for the agent" autosize description="At most 500 characters" {...bind("note")} />;
}

function AbSplit(p: P<"ab_split">) {
  const { form, bind, num, err } = useNodeForm(p.node, p.problems);
  const branches = form.getValues().branches;
  const total = branches.reduce((s, b) => s + (b.weight || 0), 0);
  return (
    <Stack gap={6}>
      <Text size="sm" fw={500}>Branches</Text>
      {branches.map((_, i) => (
        <Group key={i} gap={6} wrap="nowrap" align="flex-start">
          <TextInput size="xs" label={`Branch ${i + 1} port`} style={{ flex: 1 }} {...bind(`branches.${i}.port`)} />
          <NumberInput size="xs" label={`Branch ${i + 1} weight`} min={0} max={100} allowDecimal={false} w={110} {...num(`branches.${i}.weight`)} error={err(`branches[${i}].weight`)} />
          <ActionIcon mt={22} variant="subtle" color="red" disabled={branches.length <= 2} aria-label={`Remove branch ${i + 1}`} onClick={() => form.removeListItem("branches", i)}>
            <IconTrash size={16} />
          </ActionIcon>
        </Group>
      ))}
      {err("branches") && <Text size="xs" c="red">{err("branches")}</Text>}
      <Text size="xs" c="dimmed">Weights are relative (total {total}).</Text>
      <Button size="xs" variant="light" w="fit-content" leftSection={<IconPlus size={14} />} disabled={branches.length >= 5}
        onClick={() => form.insertListItem("branches", { port: String.fromCharCode(97 + branches.length), weight: 0 })}>
        Add branch
      </Button>
    </Stack>
  );
}

function Jump(p: P<"jump">) {
  const { form, bind } = useNodeForm(p.node, p.problems);
  const v = form.getValues();
  return (
    <>
      <Select label="Continue at node" clearable searchable data={p.nodeIds.filter((id) => id !== p.node.id)} value={v.target_node || null}
        onChange={(id) => form.setFieldValue("target_node", id ?? "")} error={bind("target_node").error} />
      <TextInput label="Or start flow (id)" description="Exactly one of the two" {...bind("target_flow")} />
    </>
  );
}

export function NodeFields({ node, problems, nodeIds }: { node: FlowNode; problems: FlowProblem[]; nodeIds: string[] }) {
  switch (node.type) {
    case "send_message": return <SendMessage node={node} problems={problems} nodeIds={nodeIds} />;
    case "condition": return <Condition node={node} problems={problems} nodeIds={nodeIds} />;
    case "set_variable": return <SetVariable node={node} problems={problems} nodeIds={nodeIds} />;
    case "wait_for_reply": return <WaitForReply node={node} problems={problems} nodeIds={nodeIds} />;
    case "delay": return <Delay node={node} problems={problems} nodeIds={nodeIds} />;
    case "ai_answer": return <AiAnswer node={node} problems={problems} nodeIds={nodeIds} />;
    case "http_request": return <HttpRequest node={node} problems={problems} nodeIds={nodeIds} />;
    case "update_contact": return <UpdateContact node={node} problems={problems} nodeIds={nodeIds} />;
    case "handover": return <Handover node={node} problems={problems} nodeIds={nodeIds} />;
    case "ab_split": return <AbSplit node={node} problems={problems} nodeIds={nodeIds} />;
    case "jump": return <Jump node={node} problems={problems} nodeIds={nodeIds} />;
    case "end": return <Text size="sm" c="dimmed">The execution finishes here. Nothing to configure.</Text>;
  }
}
