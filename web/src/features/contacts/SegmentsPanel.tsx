import { ActionIcon, Badge, Button, Card, Group, Modal, Stack, Text, TextInput, Tooltip, UnstyledButton } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconTrash } from "@tabler/icons-react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { describeError, formErrors } from "../../api/problems";
import { ErrorState, Loading } from "../../components/PageState";
import { buildFilter, describeFilter, type ContactFilters } from "./filters";
import type { Segment } from "./model";
import { keys, useSegments } from "./queries";

function SegmentCount({ workspaceId, segmentId }: { workspaceId: string; segmentId: string }) {
  const preview = useQuery({
    queryKey: [...keys.segments(workspaceId), "preview", segmentId],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/workspaces/{workspace_id}/segments/{segment_id}/preview", {
          params: { path: { workspace_id: workspaceId, segment_id: segmentId }, query: { sample: 0 } },
        }),
      ),
  });
  if (!preview.data) return null;
  return (
    <Badge variant="light" size="sm" aria-label={`${preview.data.count} contacts`}>
      {preview.data.count}
    </Badge>
  );
}

/** Saved segments: pick one to list its contacts, save the current filters as a new one. */
export function SegmentsPanel({
  workspaceId,
  filters,
  selected,
  onSelect,
  canSave,
}: {
  workspaceId: string;
  filters: ContactFilters;
  selected: string;
  onSelect: (segment: Segment | null) => void;
  canSave: boolean;
}) {
  const client = useQueryClient();
  const segments = useSegments(workspaceId);
  const [saving, setSaving] = useState(false);
  const [name, setName] = useState("");
  const [nameError, setNameError] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: async () =>
      unwrap(
        await api.POST("/api/v1/workspaces/{workspace_id}/segments", {
          params: { path: { workspace_id: workspaceId } },
          body: { name: name.trim(), filter: buildFilter(filters) },
        }),
      ),
    onSuccess: (result) => {
      notifications.show({ color: "teal", message: `Segment “${result.segment?.name ?? name}” saved` });
      setSaving(false);
      setName("");
      void client.invalidateQueries({ queryKey: keys.segments(workspaceId) });
    },
    onError: (error) => setNameError(formErrors(error).name ?? describeError(error)),
  });
  const remove = useMutation({
    mutationFn: async (segmentId: string) =>
      unwrap(
        await api.DELETE("/api/v1/workspaces/{workspace_id}/segments/{segment_id}", {
          params: { path: { workspace_id: workspaceId, segment_id: segmentId } },
        }),
      ),
    onSuccess: (_result, segmentId) => {
      if (segmentId === selected) onSelect(null);
      void client.invalidateQueries({ queryKey: keys.segments(workspaceId) });
    },
    onError: (error) => notifications.show({ color: "red", title: "Could not delete the segment", message: describeError(error) }),
  });
  const items = segments.data?.pages.flatMap((p) => p.items) ?? [];

  return (
    <Card withBorder padding="sm">
      <Group justify="space-between" mb="xs">
        <Text fw={600}>Saved segments</Text>
        {canSave && (
          <Button size="xs" variant="light" onClick={() => setSaving(true)}>
            Save filters as segment
          </Button>
        )}
      </Group>
      {segments.isPending && <Loading />}
      {segments.error && <ErrorState error={segments.error} onRetry={() => segments.refetch()} />}
      {segments.data && !items.length && (
        <Text size="sm" c="dimmed">
          None yet. Set the filters above, then save them as a segment to reuse in campaigns.
        </Text>
      )}
      <Stack gap={4}>
        {items.map((s) => (
          <Group key={s.segment_id} justify="space-between" wrap="nowrap" gap="xs">
            <UnstyledButton
              onClick={() => onSelect(s.segment_id === selected ? null : s)}
              aria-pressed={s.segment_id === selected}
              style={{ flex: 1, minWidth: 0, padding: 6, borderRadius: 6, background: s.segment_id === selected ? "var(--mantine-color-default-hover)" : undefined }}
            >
              <Group gap="xs" wrap="nowrap">
                <Text size="sm" fw={500} truncate>
                  {s.name}
                </Text>
                <SegmentCount workspaceId={workspaceId} segmentId={s.segment_id} />
              </Group>
              <Text size="xs" c="dimmed" truncate>
                {describeFilter(s.filter)}
              </Text>
            </UnstyledButton>
            {canSave && (
              <Tooltip label="Delete segment">
                <ActionIcon variant="subtle" color="red" aria-label={`Delete segment ${s.name}`} onClick={() => remove.mutate(s.segment_id)}>
                  <IconTrash size={16} />
                </ActionIcon>
              </Tooltip>
            )}
          </Group>
        ))}
      </Stack>
      {segments.hasNextPage && (
        <Button size="xs" variant="subtle" mt="xs" onClick={() => segments.fetchNextPage()} loading={segments.isFetchingNextPage}>
          Load more
        </Button>
      )}
      <Modal opened={saving} onClose={() => setSaving(false)} title="Save as segment">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (!name.trim()) setNameError("Name is required");
            else save.mutate();
          }}
        >
          <Stack>
            <Text size="sm" c="dimmed">
              Contacts {describeFilter(buildFilter(filters)).replace(/^Everyone$/, "— everyone")}. The search text is not saved.
            </Text>
            <TextInput label="Segment name" value={name} error={nameError} onChange={(e) => { setName(e.currentTarget.value); setNameError(null); }} data-autofocus />
            <Group justify="flex-end">
              <Button type="submit" loading={save.isPending}>
                Save segment
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Card>
  );
}
