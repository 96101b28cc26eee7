import { Alert, Button, Card, Group, List, Loader, SimpleGrid, Stack, Text, Title } from "@mantine/core";
import { IconCheck } from "@tabler/icons-react";
import { Link } from "react-router";

import { ApiError, describeError, planRefusal } from "../../../api/problems";
import { PlanLimitAlert } from "../../../components/PlanLimitAlert";
import { FLOW_TEMPLATES } from "../../flows/templates";
import { useCreateFlowFromTemplate } from "../mutations";
import type { Progress } from "../progress";

export function FlowStep({
  workspaceId,
  progress,
  onNext,
}: {
  workspaceId: string;
  progress: Progress;
  onNext: () => void;
}) {
  const create = useCreateFlowFromTemplate(workspaceId);
  const live = progress.publishedFlow;
  // Published, but the flow list (a read model) has not caught up yet: messages sent now would
  // find no flow to answer them, so the tour waits for it.
  const goingLive = create.isSuccess && !live;

  if (live) {
    return (
      <Stack gap="md">
        <Alert color="teal" icon={<IconCheck />} title={`“${live.name}” is live`}>
          It answers the messages that match its trigger. You can change it any time in the{" "}
          <Link to={`/w/${workspaceId}/flows/${live.flow_id}`}>flow builder</Link>.
        </Alert>
        <Group justify="flex-end">
          <Button onClick={onNext}>Continue</Button>
        </Group>
      </Stack>
    );
  }

  return (
    <Stack gap="md">
      <Text size="sm" c="dimmed">
        Pick a template: Parley creates the flow and publishes it, ready to answer. Edit it later in the builder.
      </Text>
      {planRefusal(create.error) && <PlanLimitAlert error={create.error} title="The flow was not published" />}
      {create.error && !planRefusal(create.error) && (
        <Alert color="red" role="alert" title="The flow was not published">
          {describeError(create.error)}
          {create.error instanceof ApiError && create.error.errors.length > 0 && (
            <List size="sm" mt="xs">
              {create.error.errors.map((e) => (
                <List.Item key={`${e.field}:${e.rule}`}>
                  {e.field}: {e.rule}
                </List.Item>
              ))}
            </List>
          )}
        </Alert>
      )}
      {goingLive && (
        <Group gap="xs" role="status">
          <Loader size="xs" />
          <Text size="sm">Published. Switching it on…</Text>
        </Group>
      )}
      <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="md">
        {FLOW_TEMPLATES.map((t) => (
          <Card key={t.key} withBorder padding="lg">
            <Stack gap="xs" h="100%" justify="space-between">
              <Stack gap={4}>
                <Title order={3} size="h5">
                  {t.name}
                </Title>
                <Text size="sm" c="dimmed">
                  {t.description}
                </Text>
              </Stack>
              <Button
                variant={t.key === "greeting" ? "filled" : "default"}
                loading={create.isPending && create.variables?.key === t.key}
                disabled={(create.isPending && create.variables?.key !== t.key) || goingLive}
                onClick={() => create.mutate(t)}
                aria-label={`Use the ${t.name} template`}
                style={{ alignSelf: "flex-start" }}
              >
                Use this template
              </Button>
            </Stack>
          </Card>
        ))}
      </SimpleGrid>
    </Stack>
  );
}
