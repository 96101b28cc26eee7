import { Anchor, Group, Stack, Text, Title } from "@mantine/core";
import { Link } from "react-router";

import { useWorkspaceId } from "../../state/workspace";
import { SandboxPhone } from "./SandboxPhone";

// The sandbox page: talk to the workspace's published flows as a customer would.
export function SandboxPage() {
  const workspaceId = useWorkspaceId();
  return (
    <Stack gap="md">
      <div>
        <Title order={2}>Sandbox phone</Title>
        <Text c="dimmed" size="sm">
          Write to your sandbox number as a customer. Published flows answer here exactly as they would on WhatsApp.{" "}
          To watch a conversation move through a flow, open it from{" "}
          <Anchor component={Link} to={`/w/${workspaceId}/flows`}>
            Flows
          </Anchor>{" "}
          and use its Console tab.
        </Text>
      </div>
      <Group justify="center" align="flex-start">
        <SandboxPhone workspaceId={workspaceId} />
      </Group>
    </Stack>
  );
}
