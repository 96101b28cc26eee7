import { Badge, Button, Code, Collapse, Group, Paper, Stack, Text } from "@mantine/core";
import { IconChevronDown, IconChevronRight } from "@tabler/icons-react";
import { useId, useState } from "react";

import { pretty, type StepBody } from "./model/stepView";

// What a timeline step carries, readable: messages, AI answers and their sources, HTTP calls.

export function CodeSection({ label, code }: { label: string; code: string }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  if (!code) return null;
  return (
    <div>
      <Button
        variant="subtle"
        size="compact-xs"
        leftSection={open ? <IconChevronDown size={12} /> : <IconChevronRight size={12} />}
        onClick={() => setOpen((o) => !o)}
        aria-expanded={open}
        aria-controls={id}
      >
        {label}
      </Button>
      <Collapse expanded={open} id={id}>
        <Code block style={{ maxHeight: 240, overflow: "auto", whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
          {code}
        </Code>
      </Collapse>
    </div>
  );
}

const headerText = (headers: Record<string, string>) =>
  Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join("\n");

const statusColor = (status: number | null) => (status === null ? "gray" : status < 300 ? "green" : status < 500 ? "orange" : "red");

export function StepDetail({ body }: { body: StepBody }) {
  switch (body.kind) {
    case "none":
      return null;
    case "text":
      return (
        <Text size="xs" c="dimmed" style={{ overflowWrap: "anywhere" }}>
          {body.text}
        </Text>
      );
    case "message":
      return (
        <Paper withBorder px="xs" py={4} radius="sm">
          <Text size="sm" style={{ whiteSpace: "pre-wrap", overflowWrap: "anywhere" }}>
            {body.text || "(empty)"}
          </Text>
          {body.choices.length > 0 && (
            <Group gap={4} mt={4}>
              {body.choices.map((c, i) => (
                <Badge key={i} size="xs" variant="outline">
                  {c}
                </Badge>
              ))}
            </Group>
          )}
        </Paper>
      );
    case "ai_question":
      return (
        <Text size="xs">
          <b>Question:</b> {body.question}
          {body.knowledgeBase && <Text span c="dimmed"> · knowledge base {body.knowledgeBase}</Text>}
        </Text>
      );
    case "ai_answer":
      return (
        <Stack gap={4}>
          {body.error ? (
            <Text size="xs" c="red">
              {body.error}
            </Text>
          ) : (
            <Paper withBorder px="xs" py={4} radius="sm">
              <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
                {body.answer || "The documents do not answer this question."}
              </Text>
            </Paper>
          )}
          {body.sources.length > 0 && (
            <Stack gap={2} component="ol" m={0} pl="md" aria-label="Sources">
              {body.sources.map((s, i) => (
                <li key={`${s.documentId}-${i}`}>
                  <Text size="xs" fw={600}>
                    {s.title}
                  </Text>
                  {s.snippet && (
                    <Text size="xs" c="dimmed" fs="italic">
                      “{s.snippet}”
                    </Text>
                  )}
                </li>
              ))}
            </Stack>
          )}
        </Stack>
      );
    case "http_request":
      return (
        <Stack gap={2}>
          <Group gap={6} wrap="nowrap">
            <Badge size="xs" variant="filled">
              {body.request.method}
            </Badge>
            <Code style={{ overflowWrap: "anywhere" }}>{body.request.url}</Code>
          </Group>
          <CodeSection label="Request headers" code={headerText(body.request.headers)} />
          <CodeSection label="Request body" code={pretty(body.request.body)} />
        </Stack>
      );
    case "http_response":
      return (
        <Stack gap={2}>
          <Group gap={6}>
            <Badge size="xs" color={statusColor(body.response.status)}>
              {body.response.status === null ? "no response" : `HTTP ${body.response.status}`}
            </Badge>
            {body.response.error && (
              <Text size="xs" c="red">
                {body.response.error}
              </Text>
            )}
          </Group>
          <CodeSection label="Response headers" code={headerText(body.response.headers)} />
          <CodeSection label="Response body" code={body.response.body} />
        </Stack>
      );
    case "data":
      return <CodeSection label="Details" code={pretty(body.data)} />;
  }
}
