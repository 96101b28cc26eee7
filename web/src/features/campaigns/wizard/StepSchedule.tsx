import { NumberInput, Radio, Stack, TextInput } from "@mantine/core";

import type { StepProps } from "./steps";

export function StepSchedule({ state, set }: StepProps) {
  return (
    <Stack maw={520}>
      <Radio.Group label="When" value={state.when} onChange={(v) => set({ when: v as "now" | "later" })}>
        <Stack gap="xs" mt="xs">
          <Radio value="now" label="Send now, after the review" />
          <Radio value="later" label="Schedule for later" />
        </Stack>
      </Radio.Group>
      {state.when === "later" && (
        <TextInput
          type="datetime-local"
          label="Send at"
          description={`Your time zone: ${Intl.DateTimeFormat().resolvedOptions().timeZone}. The checks run again then.`}
          value={state.sendAt}
          onChange={(e) => set({ sendAt: e.currentTarget.value })}
        />
      )}
      <NumberInput
        label="Rate cap (messages per second)"
        description="0 sends at 90% of the number's rate, leaving room for the bots' replies"
        min={0}
        max={1000}
        value={state.maxPerSecond}
        onChange={(v) => set({ maxPerSecond: typeof v === "number" ? v : 0 })}
      />
    </Stack>
  );
}
