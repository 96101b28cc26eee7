import { Anchor, Button, Container, Group, Paper, Stack, Stepper, Text, Title } from "@mantine/core";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { EmptyState, ErrorState, Loading } from "../../components/PageState";
import { useMe } from "../../state/workspace";
import { deriveProgress, type StepKey, stepIndex, STEPS, tourWorkspace } from "./progress";
import { ConnectStep } from "./steps/ConnectStep";
import { FlowStep } from "./steps/FlowStep";
import { TryStep } from "./steps/TryStep";
import { WorkspaceStep } from "./steps/WorkspaceStep";
import { useTourRecord } from "./tourRecord";
import { useSetupFacts } from "./useSetupFacts";

// The guided tour. Each step's "done" comes from the server (a number, a published flow, an
// execution), so the tour can be left at any step and resumed where it stands.
const POLL_MS = 1_500;

export function OnboardingPage() {
  const me = useMe();
  const navigate = useNavigate();
  const [record, update] = useTourRecord();
  const memberships = me.data?.memberships ?? [];
  const workspaceId = tourWorkspace(record, memberships);
  const setup = useSetupFacts(workspaceId, POLL_MS);
  const [chosen, setChosen] = useState<number | null>(null);

  if (me.isPending) return <Loading label="Preparing your tour…" />;
  if (me.error) return <ErrorState error={me.error} onRetry={() => me.refetch()} />;
  const membership = memberships.find((m) => m.workspace_id === workspaceId);
  if (!workspaceId || !membership) {
    return (
      <EmptyState title="You are not in a workspace yet">
        Ask a teammate to invite you to their workspace: the invitation link signs you in to it.
      </EmptyState>
    );
  }

  const facts = setup.facts;
  const progress = facts ? deriveProgress(facts, record) : null;
  const active = chosen ?? stepIndex(progress?.next ?? "workspace");
  const dashboard = `/w/${workspaceId}/dashboard`;
  // The stepper shows every step before the current one as completed; one the user jumped
  // past stays grey and numbered until the server says it is done.
  const mark = (key: StepKey) =>
    progress && !progress.done[key] ? { color: "gray", completedIcon: stepIndex(key) + 1 } : {};
  const go = (index: number) => setChosen(Math.min(index, STEPS.length - 1));
  const skip = () => {
    update({ workspaceId, skipped: true });
    navigate(dashboard);
  };
  const finish = () => {
    update({ workspaceId, finished: true, skipped: false });
    navigate(dashboard);
  };

  return (
    <Container size="md" py="xl" component="main">
      <Stack gap="lg">
        <Group justify="space-between" wrap="wrap">
          <Stack gap={2}>
            <Text fw={800} c="teal">
              Parley
            </Text>
            <Title order={1} size="h2">
              Let&apos;s get your first bot talking
            </Title>
            <Text size="sm" c="dimmed">
              Four short steps in {membership.workspace_name}. Leave whenever you like: the tour remembers.
            </Text>
          </Stack>
          <Button variant="subtle" onClick={skip}>
            Skip the tour
          </Button>
        </Group>
        <Paper withBorder p={{ base: "md", sm: "xl" }} radius="md">
          {setup.error && !facts ? (
            <ErrorState error={setup.error} onRetry={() => setup.refetch()} />
          ) : !facts || !progress ? (
            <Loading label="Checking what is set up…" />
          ) : (
            <Stepper active={active} onStepClick={go} allowNextStepsSelect size="sm">
              <Stepper.Step label={STEPS[0]?.label} description={STEPS[0]?.description} {...mark("workspace")}>
                <WorkspaceStep
                  membership={membership}
                  onConfirm={(id) => {
                    update({ workspaceId: id, workspaceConfirmed: true });
                    go(1);
                  }}
                />
              </Stepper.Step>
              <Stepper.Step label={STEPS[1]?.label} description={STEPS[1]?.description} {...mark("connect")}>
                <ConnectStep workspaceId={workspaceId} facts={facts} onNext={() => go(2)} />
              </Stepper.Step>
              <Stepper.Step label={STEPS[2]?.label} description={STEPS[2]?.description} {...mark("flow")}>
                <FlowStep workspaceId={workspaceId} progress={progress} onNext={() => go(3)} />
              </Stepper.Step>
              <Stepper.Step label={STEPS[3]?.label} description={STEPS[3]?.description} {...mark("try")}>
                <TryStep workspaceId={workspaceId} progress={progress} onFinish={finish} />
              </Stepper.Step>
            </Stepper>
          )}
        </Paper>
        <Text size="xs" c="dimmed" ta="center">
          Already know your way around?{" "}
          <Anchor component={Link} to={dashboard} size="xs" onClick={() => update({ workspaceId, skipped: true })}>
            Go to the dashboard
          </Anchor>
        </Text>
      </Stack>
    </Container>
  );
}
