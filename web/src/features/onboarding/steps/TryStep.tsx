import { Alert, Button, Group, Stack, Text } from "@mantine/core";
import { IconCheck, IconMessageCircle } from "@tabler/icons-react";

import { describeError } from "../../../api/problems";
import { SandboxPhone } from "../../sandbox/SandboxPhone";
import { useConnectTourSandbox } from "../../settings/numbers/queries";
import type { Progress } from "../progress";

export function TryStep({
  workspaceId,
  progress,
  onFinish,
}: {
  workspaceId: string;
  progress: Progress;
  onFinish: () => void;
}) {
  const sandbox = useConnectTourSandbox(workspaceId);
  const channelId = progress.sandboxChannelId;

  return (
    <Stack gap="md">
      {progress.done.try ? (
        <Alert color="teal" icon={<IconCheck />} title="Your bot answered">
          That was your first conversation. Every conversation shows on the dashboard and, step by step, in the
          flow&apos;s live console.
        </Alert>
      ) : (
        <Alert color="blue" icon={<IconMessageCircle />} title="Write “hi” in the phone below">
          You are the customer. {progress.publishedFlow ? `“${progress.publishedFlow.name}”` : "Your flow"} answers
          within a second or two.
        </Alert>
      )}
      {channelId ? (
        <SandboxPhone workspaceId={workspaceId} channelId={channelId} />
      ) : (
        <Stack gap="xs" align="flex-start">
          <Text size="sm">
            Test conversations happen on the sandbox number. Add one (real customers never see it):
          </Text>
          {sandbox.error && (
            <Text size="sm" c="red" role="alert">
              {describeError(sandbox.error)}
            </Text>
          )}
          <Button loading={sandbox.isPending} onClick={() => sandbox.mutate()}>
            Add a sandbox number
          </Button>
        </Stack>
      )}
      <Group justify="flex-end">
        <Button onClick={onFinish} variant={progress.done.try ? "filled" : "default"}>
          {progress.done.try ? "Finish and open the dashboard" : "Finish for now"}
        </Button>
      </Group>
    </Stack>
  );
}
