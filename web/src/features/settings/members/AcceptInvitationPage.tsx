import { Alert, Button, Card, Center, Stack, Text, Title } from "@mantine/core";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { IconAlertTriangle, IconMailOpened } from "@tabler/icons-react";
import { Link, useNavigate, useSearchParams } from "react-router";

import { api, unwrap } from "../../../api/client";
import { describeError, planRefusal } from "../../../api/problems";
import { PlanLimitAlert } from "../../../components/PlanLimitAlert";
import { useMe } from "../../../state/workspace";

/** `/invite?token=…`: the signed-in user joins the workspace they were invited to. */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const me = useMe();
  const client = useQueryClient();
  const navigate = useNavigate();
  const accept = useMutation({
    mutationFn: async () => unwrap(await api.POST("/api/v1/invitations/accept", { body: { token } })),
    onSuccess: async (membership) => {
      await client.invalidateQueries({ queryKey: ["me"] });
      navigate(`/w/${membership.workspace_id}/dashboard`, { replace: true });
    },
  });

  return (
    <Center mih="100vh" p="md">
      <Card withBorder shadow="sm" maw={480} w="100%" p="xl" component="main">
        <Stack>
          <IconMailOpened size={36} aria-hidden />
          <Title order={2}>Join a workspace</Title>
          {!token ? (
            <Alert color="red" icon={<IconAlertTriangle />} role="alert">
              This link has no invitation token. Ask whoever invited you to copy the whole link again.
            </Alert>
          ) : (
            <>
              <Text size="sm">
                You were invited to a Parley workspace. Accept to join it as{" "}
                <strong>{me.data?.user.email ?? "…"}</strong>; the invitation must be for this email address.
              </Text>
              {planRefusal(accept.error) && <PlanLimitAlert error={accept.error} title="Could not join: the workspace's plan is full" />}
              {accept.error !== null && !planRefusal(accept.error) && (
                <Alert color="red" icon={<IconAlertTriangle />} title="Could not join" role="alert">
                  {describeError(accept.error)}
                </Alert>
              )}
              <Button onClick={() => accept.mutate()} loading={accept.isPending}>
                Accept invitation
              </Button>
            </>
          )}
          <Button component={Link} to="/" variant="subtle">
            Go to my workspaces
          </Button>
        </Stack>
      </Card>
    </Center>
  );
}
