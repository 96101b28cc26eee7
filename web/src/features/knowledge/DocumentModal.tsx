import { Button, FileInput, Group, Modal, SegmentedControl, Stack, Tabs, Text, Textarea, TextInput } from "@mantine/core";
import { useForm } from "@mantine/form";
import { notifications } from "@mantine/notifications";
import { IconFileUpload } from "@tabler/icons-react";

import { FaqEditor } from "./FaqEditor";
import { FormProblems } from "./FormProblems";
import { DOCUMENT_FIELDS, documentContent, documentProblems, initialValues, serverFieldNames, type DocumentTab, type DocumentValues } from "./documentForm";
import { documentName, formatBytes, formatOfFile, placeErrors, UPLOAD_ACCEPT, type KnowledgeDocument } from "./model";
import { useSaveDocument } from "./queries";

/** Adds a document to a knowledge base, or (given `existing`) replaces its content, which
 * indexes it again; its old passages answer until the new ones are in. */
export function DocumentModal({
  workspaceId,
  knowledgeBaseId,
  existing,
  opened,
  onClose,
}: {
  workspaceId: string;
  knowledgeBaseId: string;
  existing?: KnowledgeDocument;
  opened: boolean;
  onClose: () => void;
}) {
  const save = useSaveDocument(workspaceId, knowledgeBaseId, existing?.document_id ?? null);
  const form = useForm<DocumentValues>({ initialValues: initialValues(existing), validate: documentProblems });
  const v = form.getValues();
  const fileFormat = v.file ? formatOfFile(v.file.name, v.file.type) : null;

  function submit(values: DocumentValues) {
    save.mutate(documentContent(values), {
      onSuccess: () => {
        notifications.show({ color: "teal", message: existing ? "Content replaced: indexing it again" : "Document added: indexing it" });
        onClose();
      },
      onError: (error) => form.setErrors(placeErrors(error, DOCUMENT_FIELDS, serverFieldNames(values.tab)).fields),
    });
  }

  return (
    <Modal opened={opened} onClose={onClose} size="xl" title={existing ? `Replace the content of “${documentName(existing)}”` : "Add a document"}>
      <form onSubmit={form.onSubmit(submit)} noValidate>
        <Stack>
          <TextInput label="Title" description="Optional: otherwise the first heading, the page's title or the file's name" {...form.getInputProps("title")} />
          <Tabs value={v.tab} onChange={(tab) => tab && form.setFieldValue("tab", tab as DocumentTab)} keepMounted={false}>
            <Tabs.List>
              <Tabs.Tab value="write">Write</Tabs.Tab>
              <Tabs.Tab value="html">Paste HTML</Tabs.Tab>
              <Tabs.Tab value="upload">Upload file</Tabs.Tab>
              <Tabs.Tab value="url">Web page</Tabs.Tab>
              <Tabs.Tab value="faq">FAQ</Tabs.Tab>
            </Tabs.List>
            <Tabs.Panel value="write" pt="sm">
              <Stack gap="xs">
                <SegmentedControl
                  aria-label="Text format"
                  data={[
                    { value: "markdown", label: "Markdown" },
                    { value: "text", label: "Plain text" },
                  ]}
                  {...form.getInputProps("writeFormat")}
                  w="fit-content"
                />
                <Textarea
                  label="Content"
                  description={v.writeFormat === "markdown" ? "Headings (#, ##) are kept with each passage, so answers can say where they come from." : "Paragraphs become passages."}
                  placeholder={v.writeFormat === "markdown" ? "# Refunds\n\nWe refund within 30 days of purchase…" : "We refund within 30 days of purchase…"}
                  autosize
                  minRows={8}
                  maxRows={20}
                  ff={v.writeFormat === "markdown" ? "monospace" : undefined}
                  {...form.getInputProps("writeText")}
                />
              </Stack>
            </Tabs.Panel>
            <Tabs.Panel value="html" pt="sm">
              <Textarea
                label="HTML"
                description="Scripts, styles and navigation are dropped; headings are kept with each passage."
                placeholder="<h1>Opening hours</h1><p>Monday to Friday, 9:00–18:00</p>"
                autosize
                minRows={8}
                maxRows={20}
                ff="monospace"
                {...form.getInputProps("html")}
              />
            </Tabs.Panel>
            <Tabs.Panel value="upload" pt="sm">
              <FileInput
                label="File"
                description="PDF, Markdown (.md), HTML (.html) or plain text (.txt)"
                placeholder="Choose a file"
                accept={UPLOAD_ACCEPT}
                leftSection={<IconFileUpload size={16} />}
                clearable
                {...form.getInputProps("file")}
              />
              {v.file && (
                <Text size="xs" c="dimmed" mt={4}>
                  {formatBytes(v.file.size)}
                  {fileFormat ? ` · read as ${fileFormat}` : ""}
                </Text>
              )}
            </Tabs.Panel>
            <Tabs.Panel value="url" pt="sm">
              <TextInput
                label="Page address"
                placeholder="https://example.com/help/refunds"
                description="The address must be public: it is fetched from our servers, which refuse private and local addresses. Replace the content later to fetch it again."
                {...form.getInputProps("url")}
              />
            </Tabs.Panel>
            <Tabs.Panel value="faq" pt="sm">
              <FaqEditor value={v.faq} onChange={(faq) => form.setFieldValue("faq", faq)} errors={form.errors as Record<string, string | undefined>} />
            </Tabs.Panel>
          </Tabs>
          <FormProblems error={save.error} fields={DOCUMENT_FIELDS} rename={serverFieldNames(v.tab)} />
          <Group justify="flex-end">
            <Button variant="default" onClick={onClose}>
              Cancel
            </Button>
            <Button type="submit" loading={save.isPending}>
              {existing ? "Replace and re-index" : "Add document"}
            </Button>
          </Group>
        </Stack>
      </form>
    </Modal>
  );
}
