import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap } from "../../api/client";
import type { ChannelView } from "../../api/types";
import { mergeMessages, type CustomerMessage, type SandboxMessage } from "./model/messages";

// The sandbox number's API: the workspace's sandbox channels, one customer's conversation
// (every page, oldest first), sending as the customer. Creating the sandbox number is the
// numbers' own mutation (settings/numbers/queries.ts).

export const sandboxKeys = {
  // Under "channels", so the numbers settings page and the phone refresh each other.
  channels: (workspaceId: string) => ["channels", workspaceId, "sandbox-phone"] as const,
  conversation: (workspaceId: string, channelId: string, phone: string) =>
    ["sandbox-conversation", workspaceId, channelId, phone] as const,
};

export function useSandboxChannels(workspaceId: string) {
  return useQuery({
    queryKey: sandboxKeys.channels(workspaceId),
    queryFn: async (): Promise<ChannelView[]> =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/channels", {
          params: { path: { workspace_id: workspaceId }, query: { include_disconnected: false } },
        }),
      ).channels.filter((c) => c.provider === "sandbox"),
  });
}

const PAGE = 200;
const MAX_PAGES = 25; // 5,000 messages: more than anyone scrolls through in a test chat

export function useConversation(workspaceId: string, channelId: string | null, phone: string | null, poll: boolean) {
  return useQuery({
    queryKey: sandboxKeys.conversation(workspaceId, channelId ?? "", phone ?? ""),
    enabled: Boolean(channelId && phone),
    // A fallback for a missed live event; TanStack pauses it while the tab is hidden.
    refetchInterval: poll ? 2_000 : false,
    staleTime: 0,
    queryFn: async (): Promise<SandboxMessage[]> => {
      const pages: SandboxMessage[][] = [];
      let after = 0;
      for (let n = 0; n < MAX_PAGES; n++) {
        const page = unwrap(
          await api.GET("/api/v1/workspaces/{workspace_id}/channels/{channel_id}/sandbox/conversations/{phone}", {
            params: {
              path: { workspace_id: workspaceId, channel_id: channelId ?? "", phone: phone ?? "" },
              query: { after, limit: PAGE },
            },
          }),
        );
        pages.push(page.messages);
        if (page.next_after === null || page.next_after === undefined || page.messages.length === 0) break;
        after = page.next_after;
      }
      return mergeMessages(pages);
    },
  });
}

export function useSendAsCustomer(workspaceId: string, channelId: string | null) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: async (body: CustomerMessage) =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/channels/{channel_id}/sandbox/messages", {
          params: { path: { workspace_id: workspaceId, channel_id: channelId ?? "" } },
          body,
        }),
      ),
    onSettled: (_data, _error, body) =>
      client.invalidateQueries({ queryKey: sandboxKeys.conversation(workspaceId, channelId ?? "", body.phone) }),
  });
}
