import { Badge, Button, Grid, Group, Stack, Text, Title } from "@mantine/core";
import { useDebouncedValue, useDisclosure } from "@mantine/hooks";
import { IconFileImport, IconForms, IconPlus, IconUsers } from "@tabler/icons-react";
import { useState } from "react";
import { Link } from "react-router";

import { EmptyState, ErrorState, Loading } from "../../components/PageState";
import { usePermissions } from "../../state/permissions";
import { useWorkspaceId } from "../../state/workspace";
import { ContactFilterFields } from "./ContactFilterFields";
import { ContactTable } from "./ContactTable";
import { filtersFromSegment, isFiltered, NO_FILTERS, type ContactFilters } from "./filters";
import { type Segment } from "./model";
import { NewContactModal } from "./NewContactModal";
import { useContactList } from "./queries";
import { SegmentsPanel } from "./SegmentsPanel";

export function ContactsPage() {
  const workspaceId = useWorkspaceId();
  const may = usePermissions(workspaceId);
  const [filters, setFilters] = useState<ContactFilters>(NO_FILTERS);
  const [segment, setSegment] = useState<Segment | null>(null);
  const [debounced] = useDebouncedValue(filters, 300);
  const [creating, { open, close }] = useDisclosure(false);
  const list = useContactList(workspaceId, debounced, segment?.segment_id ?? "");
  const contacts = list.data?.pages.flatMap((p) => p.items) ?? [];
  const total = list.data?.pages[0]?.total;
  const filtered = isFiltered(filters) || segment !== null;

  function changeFilters(next: ContactFilters) {
    // Editing the bar leaves the segment: the list then shows what the bar says.
    if (segment) setSegment(null);
    setFilters(next);
  }

  function selectSegment(next: Segment | null) {
    setSegment(next);
    if (next) setFilters({ ...(filtersFromSegment(next.filter) ?? NO_FILTERS), search: filters.search });
  }

  return (
    <Stack>
      <Group justify="space-between" wrap="wrap">
        <Group gap="sm">
          <Title order={2}>Contacts</Title>
          {total !== undefined && total !== null && (
            <Badge variant="light" size="lg" aria-label={`${total} contacts match`}>
              {total}
            </Badge>
          )}
        </Group>
        <Group gap="xs">
          <Button component={Link} to="fields" variant="default" leftSection={<IconForms size={16} />}>
            Custom fields
          </Button>
          {may("contacts:import") && (
            <Button component={Link} to="import" variant="default" leftSection={<IconFileImport size={16} />}>
              Import CSV
            </Button>
          )}
          {may("contacts:write") && (
            <Button leftSection={<IconPlus size={16} />} onClick={open}>
              New contact
            </Button>
          )}
        </Group>
      </Group>
      <ContactFilterFields value={filters} onChange={changeFilters} />
      {segment && (
        <Text size="sm" c="dimmed">
          Showing segment “{segment.name}”.{" "}
          <Button variant="subtle" size="compact-sm" onClick={() => selectSegment(null)}>
            Show all contacts
          </Button>
        </Text>
      )}
      <Grid>
        <Grid.Col span={{ base: 12, lg: 9 }}>
          {list.isPending ? (
            <Loading label="Loading contacts…" />
          ) : list.error ? (
            <ErrorState error={list.error} onRetry={() => list.refetch()} />
          ) : !contacts.length ? (
            filtered ? (
              <EmptyState title="No contacts match" icon={<IconUsers />}>
                Change the filters, or clear them to see every contact.
              </EmptyState>
            ) : (
              <EmptyState
                title="No contacts yet"
                icon={<IconUsers />}
                action={
                  may("contacts:import") && (
                    <Button component={Link} to="import" leftSection={<IconFileImport size={16} />}>
                      Import a CSV
                    </Button>
                  )
                }
              >
                Import a CSV, or wait for customers to write to your number: everyone who writes becomes a contact.
              </EmptyState>
            )
          ) : (
            <ContactTable
              contacts={contacts}
              workspaceId={workspaceId}
              may={may}
              hasMore={list.hasNextPage}
              loadingMore={list.isFetchingNextPage}
              onLoadMore={() => list.fetchNextPage()}
            />
          )}
        </Grid.Col>
        <Grid.Col span={{ base: 12, lg: 3 }}>
          <SegmentsPanel
            workspaceId={workspaceId}
            filters={filters}
            selected={segment?.segment_id ?? ""}
            onSelect={selectSegment}
            canSave={may("segments:write")}
          />
        </Grid.Col>
      </Grid>
      <NewContactModal workspaceId={workspaceId} opened={creating} onClose={close} />
    </Stack>
  );
}
