import { Badge, Group, Text, Tooltip } from "@mantine/core";

import { CONSENT_STATES, consentOf, type Contact, type ConsentState } from "./model";

export function ConsentBadge({ state }: { state: ConsentState }) {
  const known = CONSENT_STATES.find((c) => c.value === state) ?? CONSENT_STATES[2]!;
  return (
    <Badge color={known.color} variant="light">
      {known.label}
    </Badge>
  );
}

export function TagList({ tags, max = 4 }: { tags: string[]; max?: number }) {
  if (!tags.length) return <Text size="sm" c="dimmed">—</Text>;
  return (
    <Group gap={4} wrap="wrap">
      {tags.slice(0, max).map((tag) => (
        <Badge key={tag} variant="outline" size="sm" tt="none">
          {tag}
        </Badge>
      ))}
      {tags.length > max && <Text size="xs" c="dimmed">+{tags.length - max}</Text>}
    </Group>
  );
}

/** A contact lead capture found: it came without an opt-in, so campaigns skip it until one is
 * recorded. Nothing for other contacts, or once it opted in. */
export function CapturedLeadBadge({ contact }: { contact: Contact }) {
  if (contact.source !== "scraper" || consentOf(contact) === "opted_in") return null;
  return (
    <Tooltip
      multiline
      w={280}
      label="Found by lead capture, without an opt-in. No marketing template reaches it until consent is recorded (Consent, on the contact's page); it may still get replies inside a conversation it starts."
    >
      <Badge color="orange" variant="light" tt="none" data-testid="captured-lead">
        Captured lead · no consent
      </Badge>
    </Tooltip>
  );
}
