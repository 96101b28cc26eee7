import { Alert, Anchor, Breadcrumbs, Button, Card, Group, List, Stack, Stepper, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconRocket } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useCallback, useState } from "react";
import { Link, useNavigate } from "react-router";

import { api, unwrap } from "../../../api/client";
import { ApiError, describeError, planRefusal } from "../../../api/problems";
import { PlanLimitAlert } from "../../../components/PlanLimitAlert";
import { Loading } from "../../../components/PageState";
import { usePermissions } from "../../../state/permissions";
import { useWorkspaceId } from "../../../state/workspace";
import { fromCampaign, NEW_WIZARD, sendAtIso, stepProblem, toDefinition, type WizardState } from "../definition";
import type { Campaign, DryRunReport } from "../model";
import { campaignKeys } from "../queries";
import { DryRunReportView } from "./DryRunReportView";
import { StepAudience } from "./StepAudience";
import { StepBasics } from "./StepBasics";
import { StepMessage } from "./StepMessage";
import { StepSchedule } from "./StepSchedule";

const REVIEW = 4;

function ProblemList({ error }: { error: unknown }) {
  if (planRefusal(error)) return <PlanLimitAlert error={error} />;
  const list = error instanceof ApiError ? error.errors : [];
  return (
    <Alert color="red" title={error instanceof ApiError && error.code === "CAMPAIGN_BLOCKED" ? "Blocked" : "Not saved"} role="alert">
      <Text size="sm">{error instanceof Error ? error.message : describeError(error)}</Text>
      {list.length > 0 && (
        <List size="sm" mt="xs">
          {list.map((e, i) => (
            <List.Item key={i}>
              <b>{e.field}</b>: {e.rule}
            </List.Item>
          ))}
        </List>
      )}
    </Alert>
  );
}

/** New campaign (or a draft reopened): five steps, the last one the dry run. */
export function CampaignWizard({ existing }: { existing?: Campaign }) {
  const workspaceId = useWorkspaceId();
  const may = usePermissions(workspaceId);
  const navigate = useNavigate();
  const client = useQueryClient();
  const [state, setState] = useState<WizardState>(() => (existing ? fromCampaign(existing) : NEW_WIZARD));
  const [step, setStep] = useState(0);
  const [campaignId, setCampaignId] = useState(existing?.campaign_id ?? "");
  const [report, setReport] = useState<DryRunReport | null>(null);
  const set = useCallback((change: Partial<WizardState>) => setState((s) => ({ ...s, ...change })), []);
  const path = { workspace_id: workspaceId };

  // Save the draft (create it the first time), then ask what a launch would meet.
  const review = useMutation({
    mutationFn: async () => {
      const definition = toDefinition(state);
      let id = campaignId;
      if (!id) {
        const made = unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/campaigns", { params: { path }, body: { definition } }));
        id = made.campaign_id;
        setCampaignId(id);
      } else {
        unwrap(await api.PUT("/api/v1/workspaces/{workspace_id}/campaigns/{campaign_id}", { params: { path: { ...path, campaign_id: id } }, body: { definition } }));
      }
      return unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/campaigns/{campaign_id}/dry-run", { params: { path: { ...path, campaign_id: id } }, body: {} }));
    },
    onSuccess: setReport,
  });
  const go = useMutation({
    mutationFn: async () => {
      const where = { params: { path: { ...path, campaign_id: campaignId } } };
      return state.when === "later"
        ? unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/campaigns/{campaign_id}/schedule", { ...where, body: { send_at: sendAtIso(state.sendAt) } }))
        : unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/campaigns/{campaign_id}/launch", where));
    },
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: campaignKeys.all(workspaceId) });
      if (result.campaign) client.setQueryData(campaignKeys.one(workspaceId, campaignId), result.campaign);
      notifications.show({ color: "teal", message: state.when === "later" ? "Campaign scheduled" : "Campaign launched" });
      navigate(`/w/${workspaceId}/campaigns/${campaignId}`);
    },
  });

  const problem = step < REVIEW ? stepProblem(step, state) : null;
  function moveTo(next: number) {
    if (next > step) {
      for (let s = step; s < next; s++) if (stepProblem(s, state)) return setStep(s);
    }
    setStep(next);
    if (next === REVIEW) {
      setReport(null);
      go.reset();
      review.mutate();
    }
  }
  const blocked = report ? report.problems.some((p) => p.blocking) : true;
  const mayGo = may("campaigns:launch");

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/w/${workspaceId}/campaigns`}>
          Campaigns
        </Anchor>
        <Text>{existing ? existing.definition.name : "New campaign"}</Text>
      </Breadcrumbs>
      <Title order={2}>{existing ? "Edit campaign" : "New campaign"}</Title>
      <Card withBorder>
        <Stepper active={step} onStepClick={(s) => s < step && moveTo(s)} allowNextStepsSelect={false} size="sm">
          <Stepper.Step label="Name and number">
            <StepBasics workspaceId={workspaceId} state={state} set={set} />
          </Stepper.Step>
          <Stepper.Step label="Audience">
            <StepAudience workspaceId={workspaceId} state={state} set={set} />
          </Stepper.Step>
          <Stepper.Step label="Message">
            <StepMessage workspaceId={workspaceId} state={state} set={set} />
          </Stepper.Step>
          <Stepper.Step label="Schedule">
            <StepSchedule workspaceId={workspaceId} state={state} set={set} />
          </Stepper.Step>
          <Stepper.Step label="Review">
            {review.isPending && <Loading label="Running the dry run…" />}
            {review.error && <ProblemList error={review.error} />}
            {report && <DryRunReportView report={report} />}
            {go.error && <ProblemList error={go.error} />}
          </Stepper.Step>
        </Stepper>
        {problem && (
          <Text c="dimmed" size="sm" mt="md" role="status">
            {problem}
          </Text>
        )}
        <Group justify="space-between" mt="xl">
          <Button variant="default" onClick={() => moveTo(step - 1)} disabled={step === 0}>
            Back
          </Button>
          {step < REVIEW ? (
            <Button onClick={() => moveTo(step + 1)} disabled={problem !== null}>
              {step === REVIEW - 1 ? "Review (dry run)" : "Next"}
            </Button>
          ) : (
            <Group>
              <Button variant="default" onClick={() => review.mutate()} loading={review.isPending}>
                Run the dry run again
              </Button>
              {campaignId && (
                <Button component={Link} to={`/w/${workspaceId}/campaigns/${campaignId}`} variant="default">
                  Save as draft
                </Button>
              )}
              {mayGo ? (
                <Button leftSection={<IconRocket size={16} />} onClick={() => go.mutate()} loading={go.isPending} disabled={blocked || review.isPending}>
                  {state.when === "later" ? "Schedule" : "Launch now"}
                </Button>
              ) : (
                <Text size="sm" c="dimmed">
                  An admin launches campaigns: your draft is saved.
                </Text>
              )}
            </Group>
          )}
        </Group>
      </Card>
    </Stack>
  );
}
