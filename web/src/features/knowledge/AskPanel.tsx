import { Alert, Badge, Button, Card, Group, Select, Stack, Text, Textarea, Title } from "@mantine/core";
import { IconMessageQuestion, IconQuote } from "@tabler/icons-react";
import { useState } from "react";

import { FormProblems } from "./FormProblems";
import { citedPassages, scoreLabel, type AskReply, type KnowledgeBase } from "./model";
import { useAsk } from "./queries";

const ALL = "";

/** "Try a question": asked as an AI answer node would ask it, so the user sees what customers
 * would get (counted against the plan's AI answers like the node's). */
export function AskPanel({ workspaceId, bases, knowledgeBaseId = ALL }: { workspaceId: string; bases: KnowledgeBase[]; knowledgeBaseId?: string }) {
  const [question, setQuestion] = useState("");
  const [scope, setScope] = useState(knowledgeBaseId);
  const ask = useAsk(workspaceId);
  const names = new Map(bases.map((kb) => [kb.knowledge_base_id, kb.name]));

  function submit(event: React.FormEvent) {
    event.preventDefault();
    if (!question.trim()) return;
    ask.mutate({ question: question.trim(), knowledge_base_id: scope });
  }

  return (
    <Card withBorder component="section" aria-label="Try a question">
      <form onSubmit={submit}>
        <Stack gap="sm">
          <Group gap="xs">
            <IconMessageQuestion size={20} />
            <Title order={4}>Try a question</Title>
          </Group>
          <Select
            label="Answer from"
            allowDeselect={false}
            data={[{ value: ALL, label: "All knowledge bases" }, ...bases.map((kb) => ({ value: kb.knowledge_base_id, label: kb.name }))]}
            value={scope}
            onChange={(v) => setScope(v ?? ALL)}
          />
          <Textarea
            label="Question"
            placeholder="What is your refund policy?"
            autosize
            minRows={2}
            maxLength={2000}
            value={question}
            onChange={(e) => setQuestion(e.currentTarget.value)}
          />
          <Group justify="flex-end">
            <Button type="submit" loading={ask.isPending} disabled={!question.trim()}>
              Ask
            </Button>
          </Group>
          <FormProblems error={ask.error} fields={[]} />
          {ask.data && <AskResult reply={ask.data} names={names} />}
        </Stack>
      </form>
    </Card>
  );
}

function AskResult({ reply, names }: { reply: AskReply; names: Map<string, string> }) {
  const passages = citedPassages(reply);
  const noAnswer = reply.no_answer || !reply.answer;
  return (
    <Stack gap="sm" aria-label="Answer" role="region">
      {noAnswer ? (
        <Alert color="yellow" title="No answer in your documents" data-testid="no-answer">
          The AI node will take its No answer path.
        </Alert>
      ) : (
        <Card withBorder bg="var(--mantine-color-default-hover)" data-testid="answer">
          <Text size="sm" style={{ whiteSpace: "pre-wrap" }}>
            {reply.answer}
          </Text>
        </Card>
      )}
      {passages.length > 0 && (
        <Stack gap="xs">
          <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
            {noAnswer ? "Closest passages (not relevant enough)" : "Passages"}
          </Text>
          {passages.map((p) => (
            <Card
              key={p.index}
              withBorder
              padding="xs"
              data-testid={p.cited ? "cited-passage" : "passage"}
              bg={p.cited ? "var(--mantine-color-teal-light)" : undefined}
              style={p.cited ? { borderColor: "var(--mantine-color-teal-6)" } : undefined}
            >
              <Group justify="space-between" gap="xs" wrap="nowrap">
                <Group gap={6} wrap="nowrap" style={{ minWidth: 0 }}>
                  {p.cited && <IconQuote size={14} aria-label="Cited" />}
                  <Text size="sm" fw={600} truncate>
                    {p.title || p.document_id}
                  </Text>
                </Group>
                <Badge variant="light" color={p.cited ? "teal" : "gray"} size="sm" tt="none">
                  {p.cited ? "cited · " : ""}
                  {scoreLabel(p.score)}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {[p.knowledge_base_id && names.get(p.knowledge_base_id), p.heading].filter(Boolean).join(" · ") || "—"}
              </Text>
              <Text size="sm" mt={4} lineClamp={p.cited ? undefined : 3}>
                {p.text}
              </Text>
            </Card>
          ))}
        </Stack>
      )}
      <Text size="xs" c="dimmed" aria-label="Model and tokens">
        {reply.model || "—"} · {reply.prompt_tokens} prompt + {reply.completion_tokens} completion tokens
      </Text>
    </Stack>
  );
}
