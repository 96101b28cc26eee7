import { Alert, Anchor, Badge, Button, Group, Progress, Text } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconAlertTriangle, IconPlayerStop } from "@tabler/icons-react";
import { Link } from "react-router";

import { describeError } from "../../api/problems";
import { countsOf, isRunning, jobProgress, NO_CONSENT_NOTICE, STATUS_COLORS, STATUS_LABELS, type Job } from "./model";
import { useCancelJob } from "./queries";

export function JobStatusBadge({ job }: { job: Pick<Job, "status"> }) {
  return (
    <Badge color={STATUS_COLORS[job.status]} variant="light" data-testid="job-status">
      {STATUS_LABELS[job.status]}
    </Badge>
  );
}

export function JobProgressBar({ job }: { job: Job }) {
  const progress = jobProgress(job);
  return (
    <Progress
      value={progress.indeterminate ? 100 : progress.percent}
      striped={isRunning(job)}
      animated={isRunning(job)}
      color={STATUS_COLORS[job.status]}
      aria-label={`${job.query}: ${progress.label}`}
    />
  );
}

/** found · new · duplicates · errors, as the job counts them. */
export function JobCountsLine({ job }: { job: Job }) {
  const c = countsOf(job);
  return (
    <Text size="xs" c="dimmed" aria-label="Counts">
      {c.found} found · {c.leads} new leads · {c.duplicates} duplicates · {c.errors} errors
      {c.without_phone > 0 ? ` · ${c.without_phone} without a number` : ""}
    </Text>
  );
}

export function CancelJobButton({ workspaceId, job }: { workspaceId: string; job: Job }) {
  const cancel = useCancelJob(workspaceId);
  if (!isRunning(job)) return null;
  return (
    <Button
      size="xs"
      color="red"
      variant="light"
      leftSection={<IconPlayerStop size={14} />}
      loading={cancel.isPending}
      aria-label={`Cancel ${job.query}`}
      onClick={() =>
        cancel.mutate(job.job_id, {
          onSuccess: () => notifications.show({ color: "teal", message: "Cancelling: the page being read finishes first" }),
          onError: (error) => notifications.show({ color: "red", title: "Not cancelled", message: describeError(error) }),
        })
      }
    >
      Cancel
    </Button>
  );
}

/** The consent rule where leads are shown: they came without an opt-in. */
export function NoConsentNotice({ workspaceId }: { workspaceId: string }) {
  return (
    <Alert color="orange" icon={<IconAlertTriangle />} title="No consent" data-testid="no-consent-notice" role="note">
      <Group gap={4}>
        <Text size="sm">{NO_CONSENT_NOTICE}</Text>
        <Anchor component={Link} to={`/w/${workspaceId}/contacts`} size="sm" fw={600}>
          See them in Contacts
        </Anchor>
      </Group>
    </Alert>
  );
}
