import { Anchor, Button, Center, Group, Table, Text } from "@mantine/core";
import { Link } from "react-router";

import { CapturedLeadBadge, ConsentBadge, TagList } from "./ContactBadges";
import { ContactRowMenu } from "./ContactRowMenu";
import { consentOf, formatTime, stageLabel, type Contact } from "./model";
import { type May } from "../../state/permissions";

export function ContactTable({
  contacts,
  workspaceId,
  may,
  hasMore,
  loadingMore,
  onLoadMore,
}: {
  contacts: Contact[];
  workspaceId: string;
  may: May;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  return (
    <>
      <Table.ScrollContainer minWidth={860}>
        <Table striped highlightOnHover verticalSpacing="sm" aria-label="Contacts">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Phone</Table.Th>
              <Table.Th>Tags</Table.Th>
              <Table.Th>Stage</Table.Th>
              <Table.Th>Consent</Table.Th>
              <Table.Th>Last inbound</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th aria-label="Actions" />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {contacts.map((c) => (
              <Table.Tr key={c.contact_id}>
                <Table.Td>
                  <Anchor component={Link} to={`/w/${workspaceId}/contacts/${c.contact_id}`} fw={500}>
                    {c.erased ? "Erased contact" : c.name || c.phone || c.user_id || c.contact_id}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {c.phone || "—"}
                  </Text>
                </Table.Td>
                <Table.Td>
                  <TagList tags={c.tags} />
                </Table.Td>
                <Table.Td>{stageLabel(c.stage)}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <ConsentBadge state={consentOf(c)} />
                    <CapturedLeadBadge contact={c} />
                  </Group>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatTime(c.last_inbound_at)}</Text>
                </Table.Td>
                <Table.Td>
                  <Text size="sm">{formatTime(c.created_at)}</Text>
                </Table.Td>
                <Table.Td>
                  <ContactRowMenu workspaceId={workspaceId} contact={c} may={may} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      {hasMore && (
        <Center mt="md">
          <Button variant="default" onClick={onLoadMore} loading={loadingMore}>
            Load more
          </Button>
        </Center>
      )}
    </>
  );
}
