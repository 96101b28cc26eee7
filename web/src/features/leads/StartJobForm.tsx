import { Button, Card, Group, NumberInput, Select, Stack, TagsInput, Textarea, TextInput, Title } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconPlayerPlay } from "@tabler/icons-react";
import { useNavigate } from "react-router";

import { FormProblems } from "../knowledge/FormProblems";
import { placeErrors } from "../knowledge/model";
import { SOURCES, startProblems, type ScrapeSource, type SourceView, type StartValues } from "./model";
import { useStartJob } from "./queries";

const FIELDS = ["source", "query", "location", "country", "limit", "tags"] as const;

export function StartJobForm({ workspaceId, sources }: { workspaceId: string; sources: SourceView[] }) {
  const navigate = useNavigate();
  const start = useStartJob(workspaceId);
  const firstConfigured = sources.find((s) => s.configured)?.source ?? "website";
  const form = useForm<StartValues>({
    initialValues: { source: firstConfigured, query: "", location: "", country: "", limit: 50, tags: [] },
    validate: startProblems,
  });
  const v = form.getValues();
  const info = SOURCES[v.source];
  const chosen = sources.find((s) => s.source === v.source);

  function submit(values: StartValues) {
    start.mutate(values, {
      onSuccess: (job) => {
        notifications.show({ color: "teal", message: "Lead capture started" });
        form.setFieldValue("query", "");
        navigate(`/w/${workspaceId}/leads/${job.job_id}`);
      },
      onError: (error) => form.setErrors(placeErrors(error, FIELDS).fields),
    });
  }

  return (
    <Card withBorder component="section" aria-label="Start a lead capture">
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack gap="sm">
          <Title order={4}>Find leads</Title>
          <Select
            label="Source"
            allowDeselect={false}
            data={sources.map((s) => ({ value: s.source, label: SOURCES[s.source]?.label ?? s.source, disabled: !s.configured }))}
            renderOption={({ option }) => {
              const s = sources.find((x) => x.source === option.value);
              return (
                <Stack gap={0}>
                  <span>{option.label}</span>
                  {s && !s.configured && s.hint && <span style={{ fontSize: "var(--mantine-font-size-xs)" }}>{s.hint}</span>}
                </Stack>
              );
            }}
            {...form.getInputProps("source")}
            onChange={(value) => value && form.setFieldValue("source", value as ScrapeSource)}
          />
          {info.multiline ? (
            <Textarea label={info.queryLabel} description={info.queryHelp} placeholder={info.placeholder} autosize minRows={3} withAsterisk {...form.getInputProps("query")} />
          ) : (
            <TextInput label={info.queryLabel} description={info.queryHelp} placeholder={info.placeholder} withAsterisk {...form.getInputProps("query")} />
          )}
          {info.location && <TextInput label="Location" description="A city or area, e.g. “Lisbon”" placeholder="Lisbon" {...form.getInputProps("location")} />}
          <Group grow align="flex-start">
            <TextInput
              label="Country"
              description="Two letters: reads numbers written without +country code"
              placeholder="PT"
              maxLength={2}
              {...form.getInputProps("country")}
            />
            <NumberInput label="Limit" description="Stop after this many new leads" min={1} max={500} allowDecimal={false} {...form.getInputProps("limit")} />
          </Group>
          <TagsInput label="Tags" description="Given to every lead's contact, to find them later" placeholder="Type a tag, press Enter" maxTags={10} {...form.getInputProps("tags")} />
          <FormProblems error={start.error} fields={FIELDS} />
          <Group justify="flex-end">
            <Button type="submit" leftSection={<IconPlayerPlay size={16} />} loading={start.isPending} disabled={!chosen?.configured}>
              Start
            </Button>
          </Group>
        </Stack>
      </form>
    </Card>
  );
}
