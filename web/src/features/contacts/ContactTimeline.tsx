import { Button, Card, Code, Group, Text, ThemeIcon, Timeline, Title } from "@mantine/core";
import {
  IconArrowDownLeft,
  IconArrowUpRight,
  IconBolt,
  IconChecks,
  IconEraser,
  IconShieldCheck,
  IconShieldX,
  IconStairs,
  IconTags,
  IconUserEdit,
  IconUserPlus,
} from "@tabler/icons-react";
import { useInfiniteQuery } from "@tanstack/react-query";
import type { ReactNode } from "react";

import { api, unwrap } from "../../api/client";
import { EmptyState, ErrorState, Loading } from "../../components/PageState";
import { formatTime, type TimelineItem } from "./model";
import { keys } from "./queries";

const KINDS: Record<TimelineItem["kind"], { label: string; icon: ReactNode; color: string }> = {
  contact_created: { label: "Contact created", icon: <IconUserPlus size={14} />, color: "blue" },
  contact_updated: { label: "Profile changed", icon: <IconUserEdit size={14} />, color: "blue" },
  tags_changed: { label: "Tags changed", icon: <IconTags size={14} />, color: "grape" },
  stage_changed: { label: "Stage changed", icon: <IconStairs size={14} />, color: "grape" },
  opted_in: { label: "Opted in", icon: <IconShieldCheck size={14} />, color: "teal" },
  opted_out: { label: "Opted out", icon: <IconShieldX size={14} />, color: "red" },
  message_in: { label: "Message received", icon: <IconArrowDownLeft size={14} />, color: "cyan" },
  message_out: { label: "Message sent", icon: <IconArrowUpRight size={14} />, color: "indigo" },
  message_status: { label: "Message status", icon: <IconChecks size={14} />, color: "gray" },
  flow_step: { label: "Flow step", icon: <IconBolt size={14} />, color: "orange" },
  erased: { label: "Personal data erased", icon: <IconEraser size={14} />, color: "red" },
};

function detailLine(detail: TimelineItem["detail"]): string {
  if (!detail) return "";
  return Object.entries(detail)
    .filter(([, v]) => v !== null && v !== "" && typeof v !== "object")
    .slice(0, 4)
    .map(([k, v]) => `${k.replace(/_/g, " ")}: ${String(v)}`)
    .join(" · ");
}

export function ContactTimeline({ workspaceId, contactId }: { workspaceId: string; contactId: string }) {
  const timeline = useInfiniteQuery({
    queryKey: [...keys.contact(workspaceId, contactId), "timeline"],
    initialPageParam: "",
    queryFn: async ({ pageParam }) =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}/timeline", {
          params: { path: { workspace_id: workspaceId, contact_id: contactId }, query: { limit: 50, cursor: pageParam } },
        }),
      ),
    getNextPageParam: (last) => last.next_cursor ?? undefined,
  });
  const items = timeline.data?.pages.flatMap((p) => p.items) ?? [];
  return (
    <Card withBorder>
      <Group justify="space-between" mb="sm">
        <Title order={4}>Timeline</Title>
        <Text size="xs" c="dimmed">Oldest first</Text>
      </Group>
      {timeline.isPending && <Loading label="Loading the timeline…" />}
      {timeline.error && <ErrorState error={timeline.error} onRetry={() => timeline.refetch()} />}
      {timeline.data && !items.length && (
        <EmptyState title="Nothing here yet">Messages, flow steps and CRM changes of this contact appear here.</EmptyState>
      )}
      {items.length > 0 && (
        <Timeline bulletSize={24} lineWidth={2} aria-label="Contact timeline">
          {items.map((item) => {
            const kind = KINDS[item.kind] ?? KINDS.contact_updated;
            const detail = detailLine(item.detail);
            return (
              <Timeline.Item
                key={item.event_id}
                bullet={
                  <ThemeIcon size={24} radius="xl" color={kind.color} variant="light">
                    {kind.icon}
                  </ThemeIcon>
                }
                title={<Text size="sm" fw={600}>{kind.label}</Text>}
              >
                <Text size="sm">{item.summary}</Text>
                {detail && <Code block={false} fz="xs">{detail}</Code>}
                <Text size="xs" c="dimmed" mt={2}>
                  {formatTime(item.at)}
                  {item.source ? ` · ${item.source}` : ""}
                </Text>
              </Timeline.Item>
            );
          })}
        </Timeline>
      )}
      {timeline.hasNextPage && (
        <Button variant="default" mt="md" onClick={() => timeline.fetchNextPage()} loading={timeline.isFetchingNextPage}>
          Load more
        </Button>
      )}
    </Card>
  );
}
