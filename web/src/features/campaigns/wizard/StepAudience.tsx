import { Alert, Checkbox, Group, SegmentedControl, Select, Stack, Text } from "@mantine/core";
import { useDebouncedValue } from "@mantine/hooks";
import { useQuery } from "@tanstack/react-query";

import { api, unwrap } from "../../../api/client";
import { describeError } from "../../../api/problems";
import { ContactFilterFields } from "../../contacts/ContactFilterFields";
import { buildFilter, describeFilter } from "../../contacts/filters";
import { useSegments } from "../../contacts/queries";
import type { StepProps } from "./steps";

function AudienceCount({ workspaceId, state }: Omit<StepProps, "set">) {
  const [filters] = useDebouncedValue(state.filters, 300);
  const bySegment = state.audience === "segment";
  const preview = useQuery({
    queryKey: ["segments", workspaceId, "preview", bySegment ? state.segmentId : filters],
    enabled: !bySegment || !!state.segmentId,
    queryFn: async () =>
      bySegment
        ? unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/segments/{segment_id}/preview", { params: { path: { workspace_id: workspaceId, segment_id: state.segmentId }, query: { sample: 0 } } }))
        : unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/segments/preview", { params: { path: { workspace_id: workspaceId } }, body: { filter: buildFilter(filters), sample: 0 } })),
  });
  if (bySegment && !state.segmentId) return null;
  if (preview.error) return <Alert color="red">{describeError(preview.error)}</Alert>;
  const p = preview.data;
  const optedIn = p?.by_consent.opted_in ?? 0;
  const unknown = p?.by_consent.unknown ?? 0;
  const optedOut = p?.by_consent.opted_out ?? 0;
  const reach = optedIn + (state.includeWithoutOptIn ? unknown : 0);
  return (
    <Alert color={p && reach === 0 ? "yellow" : "blue"} aria-live="polite" title={p ? `${p.count} contacts match` : "Counting…"}>
      {p && (
        <Text size="sm" data-testid="audience-preview">
          {optedIn} opted in, {unknown} without opt-in evidence, {optedOut} opted out. {reach} would be sent to.
        </Text>
      )}
    </Alert>
  );
}

export function StepAudience({ workspaceId, state, set }: StepProps) {
  const segments = useSegments(workspaceId);
  const items = segments.data?.pages.flatMap((p) => p.items) ?? [];
  const chosen = items.find((s) => s.segment_id === state.segmentId);
  return (
    <Stack>
      <SegmentedControl
        aria-label="Audience"
        w="fit-content"
        value={state.audience}
        onChange={(v) => set({ audience: v as "segment" | "filter" })}
        data={[
          { value: "filter", label: "Filter contacts" },
          { value: "segment", label: "Saved segment" },
        ]}
      />
      {state.audience === "filter" ? (
        <>
          <ContactFilterFields value={state.filters} onChange={(filters) => set({ filters })} withSearch={false} />
          <Text size="sm" c="dimmed">
            Contacts {describeFilter(buildFilter(state.filters)).replace(/^Everyone$/, "— everyone")}.
          </Text>
        </>
      ) : (
        <Group align="flex-end">
          <Select
            label="Segment"
            placeholder={segments.isPending ? "Loading…" : items.length ? "Choose a segment" : "No saved segments yet"}
            data={items.map((s) => ({ value: s.segment_id, label: s.name }))}
            value={state.segmentId || null}
            onChange={(v) => set({ segmentId: v ?? "" })}
            w={320}
            searchable
          />
          {chosen && <Text size="sm" c="dimmed">{describeFilter(chosen.filter)}</Text>}
        </Group>
      )}
      <AudienceCount workspaceId={workspaceId} state={state} />
      <Checkbox
        label="Include contacts without opt-in evidence"
        description="Only if they agreed to hear from you outside Parley. Captured leads (from lead capture) and opted-out contacts are always left out: record a lead’s consent first."
        checked={state.includeWithoutOptIn}
        onChange={(e) => set({ includeWithoutOptIn: e.currentTarget.checked })}
      />
    </Stack>
  );
}
