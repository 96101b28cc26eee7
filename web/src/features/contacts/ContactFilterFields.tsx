import { Group, MultiSelect, Select, TagsInput, TextInput } from "@mantine/core";
import { IconSearch } from "@tabler/icons-react";

import type { ContactFilters } from "./filters";
import { CONSENT_STATES, STAGES, type ConsentState, type Stage } from "./model";

// The filter inputs, shared by the contacts list and the campaign wizard's audience step.
export function ContactFilterFields({
  value,
  onChange,
  withSearch = true,
}: {
  value: ContactFilters;
  onChange: (next: ContactFilters) => void;
  withSearch?: boolean;
}) {
  return (
    <Group align="flex-end" gap="sm" wrap="wrap">
      {withSearch && (
        <TextInput
          label="Search"
          placeholder="Name or phone"
          leftSection={<IconSearch size={16} />}
          value={value.search}
          onChange={(e) => onChange({ ...value, search: e.currentTarget.value })}
          w={220}
        />
      )}
      <TagsInput
        label="Tags"
        placeholder="Type a tag, press Enter"
        value={value.tags}
        onChange={(tags) => onChange({ ...value, tags })}
        clearable
        w={240}
      />
      <MultiSelect
        label="Stage"
        placeholder={value.stages.length ? undefined : "Any stage"}
        data={STAGES}
        value={value.stages}
        onChange={(stages) => onChange({ ...value, stages: stages as Stage[] })}
        clearable
        w={220}
      />
      <Select
        label="Consent"
        placeholder="Any consent"
        data={CONSENT_STATES.map(({ value: v, label }) => ({ value: v, label }))}
        value={value.consent || null}
        onChange={(consent) => onChange({ ...value, consent: (consent ?? "") as ConsentState | "" })}
        clearable
        w={170}
      />
    </Group>
  );
}
