import { Alert, Anchor, Breadcrumbs, Grid, Group, Stack, Text, Title } from "@mantine/core";
import { Link, useParams } from "react-router";

import { QueryState } from "../../components/PageState";
import { usePermissions } from "../../state/permissions";
import { useWorkspaceId } from "../../state/workspace";
import { CapturedLeadBadge } from "./ContactBadges";
import { ContactTimeline } from "./ContactTimeline";
import { ConsentCard, StageCard, TagsCard } from "./ContactSideCards";
import { DataActions } from "./DataActions";
import { formatTime } from "./model";
import { ProfileForm } from "./ProfileForm";
import { useContact, useFields } from "./queries";

export function ContactDetailPage() {
  const workspaceId = useWorkspaceId();
  const { contactId = "" } = useParams();
  const may = usePermissions(workspaceId);
  const contact = useContact(workspaceId, contactId);
  const fields = useFields(workspaceId);
  const canEdit = may("contacts:write");

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/w/${workspaceId}/contacts`}>
          Contacts
        </Anchor>
        <Text>{contact.data?.name || contact.data?.phone || contactId}</Text>
      </Breadcrumbs>
      <QueryState query={contact} loading="Loading the contact…">
        {(c) => (
          <Stack>
            <Group justify="space-between" wrap="wrap">
              <div>
                <Group gap="xs">
                  <Title order={2}>{c.erased ? "Erased contact" : c.name || c.phone || c.user_id}</Title>
                  <CapturedLeadBadge contact={c} />
                </Group>
                <Text c="dimmed" size="sm">
                  {c.phone || c.user_id} · from {c.source} · created {formatTime(c.created_at)} · last wrote {formatTime(c.last_inbound_at)}
                </Text>
              </div>
              <DataActions workspaceId={workspaceId} contact={c} may={may} />
            </Group>
            {c.erased && <Alert color="gray">This contact's personal data was erased.</Alert>}
            <Grid>
              <Grid.Col span={{ base: 12, md: 7 }}>
                <QueryState query={fields} loading="Loading the fields…">
                  {(defs) => <ProfileForm key={c.contact_id} workspaceId={workspaceId} contact={c} fields={defs} canEdit={canEdit && !c.erased} />}
                </QueryState>
              </Grid.Col>
              <Grid.Col span={{ base: 12, md: 5 }}>
                <Stack>
                  <TagsCard workspaceId={workspaceId} contact={c} canEdit={canEdit && !c.erased} />
                  <StageCard workspaceId={workspaceId} contact={c} canEdit={canEdit && !c.erased} />
                  <ConsentCard workspaceId={workspaceId} contact={c} canEdit={may("consent:write") && !c.erased} />
                </Stack>
              </Grid.Col>
            </Grid>
            <ContactTimeline workspaceId={workspaceId} contactId={c.contact_id} />
          </Stack>
        )}
      </QueryState>
    </Stack>
  );
}
