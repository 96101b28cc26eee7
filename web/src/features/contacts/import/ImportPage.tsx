import { Alert, Anchor, Breadcrumbs, Button, Card, FileInput, Group, Radio, SimpleGrid, Stack, TagsInput, Text, Textarea, TextInput, Title } from "@mantine/core";
import { IconFileTypeCsv, IconUpload } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Link, useNavigate } from "react-router";

import { ApiError, describeError } from "../../../api/problems";
import { ErrorState } from "../../../components/PageState";
import { useWorkspaceId } from "../../../state/workspace";
import type { Dedupe } from "../model";
import { keys, useFields } from "../queries";
import { countDataRows, guessMapping, mappingProblems, previewCsv, type CsvPreview } from "./csv";
import { MappingTable, PreviewTable } from "./MappingTable";
import { PastImports } from "./PastImports";
import { rememberRowCount, uploadCsv } from "./upload";

// Files up to this size are read whole in the browser to count their rows; larger ones only
// have their start read for the preview.
const COUNT_LIMIT = 20 * 1024 * 1024;
const PREVIEW_BYTES = 256 * 1024;

const DEDUPE: { value: Dedupe; label: string; description: string }[] = [
  { value: "fill", label: "Fill in", description: "An existing contact keeps its values; the file fills the empty ones." },
  { value: "overwrite", label: "Overwrite", description: "The file's values replace an existing contact's." },
  { value: "skip", label: "Skip", description: "Existing contacts are left as they are." },
];

export function ImportPage() {
  const workspaceId = useWorkspaceId();
  const navigate = useNavigate();
  const client = useQueryClient();
  const fields = useFields(workspaceId);
  const [file, setFile] = useState<File | null>(null);
  const [preview, setPreview] = useState<CsvPreview | null>(null);
  const [rowCount, setRowCount] = useState<number | null>(null);
  const [readError, setReadError] = useState<string | null>(null);
  const [mapping, setMapping] = useState<Record<string, string>>({});
  const [dedupe, setDedupe] = useState<Dedupe>("fill");
  const [tags, setTags] = useState<string[]>([]);
  const [consentSource, setConsentSource] = useState("");
  const [consentWording, setConsentWording] = useState("");
  const [defaultRegion, setDefaultRegion] = useState("");

  async function choose(next: File | null) {
    setFile(next);
    setPreview(null);
    setReadError(null);
    start.reset();
    if (!next) return;
    try {
      const whole = next.size <= COUNT_LIMIT;
      const text = await (whole ? next : next.slice(0, PREVIEW_BYTES)).text();
      const read = previewCsv(text, 5, whole);
      if (!read.header.some(Boolean)) throw new Error("The file has no header row: its first line must name the columns.");
      setPreview(read);
      setRowCount(whole ? countDataRows(text) : null);
      setMapping(guessMapping(read.header, fields.data ?? []));
    } catch (error) {
      setReadError(describeError(error));
    }
  }

  const start = useMutation({
    mutationFn: async () => {
      if (!file) throw new Error("Choose a CSV file first");
      return uploadCsv(workspaceId, file, { mapping, dedupe, tags, consentSource, consentWording, defaultRegion });
    },
    onSuccess: (result) => {
      void client.invalidateQueries({ queryKey: keys.imports(workspaceId) });
      if (result.job) {
        if (rowCount !== null) rememberRowCount(result.job.import_id, rowCount);
        // The job as started: the imports read model may not list it for a moment.
        client.setQueryData([...keys.imports(workspaceId), result.job.import_id], result.job);
        navigate(result.job.import_id);
      }
    },
  });

  // The server's refusal names `mapping.<column>` or an option; the rest goes in one alert.
  const apiErrors: Record<string, string> = {};
  if (start.error instanceof ApiError) for (const e of start.error.errors) apiErrors[e.field.replace(/^(body|query)\./, "")] = e.rule;
  const columnErrors: Record<string, string> = { ...mappingProblems(mapping) };
  for (const [field, rule] of Object.entries(apiErrors)) if (field.startsWith("mapping.")) columnErrors[field.slice(8)] = rule;
  const blocking = Object.keys(mappingProblems(mapping)).length > 0;
  const optedInMapped = Object.values(mapping).includes("opted_in");
  const known = new Set(["consent_source", "consent_wording", "default_region", "tags", "dedupe"]);
  const unplaced = start.error && !Object.keys(apiErrors).some((f) => f.startsWith("mapping.") || known.has(f));

  return (
    <Stack>
      <Breadcrumbs>
        <Anchor component={Link} to={`/w/${workspaceId}/contacts`}>
          Contacts
        </Anchor>
        <Text>Import</Text>
      </Breadcrumbs>
      <Title order={2}>Import contacts from a CSV file</Title>
      {fields.error && <ErrorState error={fields.error} onRetry={() => fields.refetch()} />}
      <Card withBorder>
        <Stack>
          <FileInput
            label="CSV file"
            description="The first line names the columns. Up to 50 MB."
            placeholder="Choose a .csv file"
            accept=".csv,text/csv"
            leftSection={<IconFileTypeCsv size={16} />}
            value={file}
            onChange={(f) => void choose(f)}
            clearable
            error={readError}
          />
          {preview && (
            <>
              <Text size="sm" c="dimmed">
                {rowCount !== null ? `${rowCount} rows. ` : ""}The first {preview.rows.length} rows:
              </Text>
              <PreviewTable preview={preview} />
            </>
          )}
        </Stack>
      </Card>
      {preview && (
        <>
          <Card withBorder>
            <Stack>
              <Title order={4}>Columns</Title>
              {columnErrors[""] && (
                <Alert color="yellow" role="alert">
                  {columnErrors[""]}
                </Alert>
              )}
              <MappingTable preview={preview} fields={fields.data ?? []} mapping={mapping} errors={columnErrors} onChange={(c, t) => setMapping({ ...mapping, [c]: t })} />
            </Stack>
          </Card>
          <Card withBorder>
            <Stack>
              <Title order={4}>Options</Title>
              <Radio.Group label="Contacts already in Parley" value={dedupe} onChange={(v) => setDedupe(v as Dedupe)}>
                <Stack gap="xs" mt="xs">
                  {DEDUPE.map((d) => (
                    <Radio key={d.value} value={d.value} label={d.label} description={d.description} />
                  ))}
                </Stack>
              </Radio.Group>
              <SimpleGrid cols={{ base: 1, sm: 2 }}>
                <TagsInput label="Tags for every imported contact" placeholder="Type a tag, press Enter" maxTags={10} value={tags} onChange={setTags} error={apiErrors.tags} />
                <TextInput label="Default country" description="For numbers written without +, e.g. PT" maxLength={2} value={defaultRegion} onChange={(e) => setDefaultRegion(e.currentTarget.value)} error={apiErrors.default_region} />
              </SimpleGrid>
              <TextInput
                label="Where these people agreed to hear from you"
                description={optedInMapped ? "Required: rows whose opt-in column says yes are recorded as opted in with this evidence." : "Map a column to “Opted in (yes/no)” to record opt-ins with this evidence."}
                placeholder="Newsletter sign-up form, 2025"
                required={optedInMapped}
                value={consentSource}
                onChange={(e) => setConsentSource(e.currentTarget.value)}
                error={apiErrors.consent_source}
              />
              <Textarea label="The wording they agreed to" autosize minRows={2} value={consentWording} onChange={(e) => setConsentWording(e.currentTarget.value)} error={apiErrors.consent_wording} />
              {unplaced && (
                <Alert color="red" title="The import was not started" role="alert">
                  {describeError(start.error)}
                </Alert>
              )}
              <Group justify="flex-end">
                <Button leftSection={<IconUpload size={16} />} onClick={() => start.mutate()} loading={start.isPending} disabled={blocking}>
                  Start import
                </Button>
              </Group>
            </Stack>
          </Card>
        </>
      )}
      <PastImports workspaceId={workspaceId} />
    </Stack>
  );
}
