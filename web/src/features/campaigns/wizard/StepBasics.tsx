import { Alert, Anchor, Select, Stack, TextInput } from "@mantine/core";
import { useEffect } from "react";
import { Link } from "react-router";

import { ErrorState, Loading } from "../../../components/PageState";
import { useChannels } from "../queries";
import type { StepProps } from "./steps";

export function StepBasics({ workspaceId, state, set }: StepProps) {
  const channels = useChannels(workspaceId);
  const usable = (channels.data ?? []).filter((c) => c.status !== "disconnected");
  const first = usable[0]?.channel_id;
  useEffect(() => {
    if (!state.channelId && first) set({ channelId: first });
  }, [first, state.channelId, set]);

  return (
    <Stack maw={520}>
      <TextInput label="Campaign name" placeholder="Spring sale" value={state.name} onChange={(e) => set({ name: e.currentTarget.value })} required data-autofocus />
      {channels.isPending && <Loading label="Loading your numbers…" />}
      {channels.error && <ErrorState error={channels.error} onRetry={() => channels.refetch()} />}
      {channels.data && !usable.length && (
        <Alert color="yellow" title="No number to send from">
          Connect a WhatsApp number or create the sandbox in{" "}
          <Anchor component={Link} to={`/w/${workspaceId}/settings`}>
            Settings
          </Anchor>
          .
        </Alert>
      )}
      {usable.length > 0 && (
        <Select
          label="Number"
          description="The WhatsApp number the campaign sends from"
          data={usable.map((c) => ({
            value: c.channel_id,
            label: `${c.name || c.channel_id}${c.display_phone_number ? ` · ${c.display_phone_number}` : ""}${c.provider === "sandbox" ? " (sandbox)" : ""}${c.status === "paused" ? " — paused" : ""}`,
          }))}
          value={state.channelId || null}
          onChange={(v) => set({ channelId: v ?? "" })}
          allowDeselect={false}
        />
      )}
    </Stack>
  );
}
