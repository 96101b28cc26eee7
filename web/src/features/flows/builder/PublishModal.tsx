import { Alert, Button, Group, List, Modal, Stack, Text, Textarea } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { useMutation } from "@tanstack/react-query";
import { useState } from "react";

import { ApiError, describeError, planRefusal } from "../../../api/problems";
import { PlanLimitAlert } from "../../../components/PlanLimitAlert";
import { publishFlow } from "../api";
import { describeProblem } from "../model/problems";
import type { FlowProblem } from "../model/types";

// Publishing the draft as the next version, with a note. Refused while errors remain: they are
// listed here (a node's problem focuses the node).
export function PublishModal({ opened, onClose, workspaceId, flowId, errors, flush, onPublished, onFocusNode }: {
  opened: boolean;
  onClose: () => void;
  workspaceId: string;
  flowId: string;
  errors: FlowProblem[];
  flush: () => Promise<boolean>;
  onPublished: (version: number) => void;
  onFocusNode: (id: string | null) => void;
}) {
  const [note, setNote] = useState("");
  const publish = useMutation({
    mutationFn: async () => {
      if (!(await flush())) throw new Error("The draft could not be saved; publish again once it is saved.");
      return publishFlow(workspaceId, flowId, note.trim());
    },
    onSuccess: (result) => {
      notifications.show({ color: "green", title: "Published", message: `Version ${result.latest_version} is live.` });
      setNote("");
      onPublished(result.latest_version);
      onClose();
    },
  });
  const refused = publish.error instanceof ApiError ? publish.error.errors : [];
  return (
    <Modal opened={opened} onClose={onClose} title="Publish flow">
      <Stack>
        {errors.length > 0 ? (
          <Alert color="red" title={`Fix ${errors.length} problem${errors.length === 1 ? "" : "s"} before publishing`} role="alert">
            <List size="sm" spacing={4}>
              {errors.map((p, i) => (
                <List.Item key={i}>
                  <Button variant="subtle" size="compact-xs" onClick={() => { onFocusNode(p.node_id ?? null); onClose(); }}>
                    {p.node_id ?? "Flow"}
                  </Button>{" "}
                  <Text span size="sm">{describeProblem(p)}</Text>
                </List.Item>
              ))}
            </List>
          </Alert>
        ) : (
          <Text size="sm">Contacts who trigger this flow from now on run the new version; executions already running finish on theirs.</Text>
        )}
        <Textarea label="Version note" description={`What changed, for the version history (${note.length}/500)`} maxLength={500} autosize minRows={2}
          value={note} onChange={(e) => setNote(e.currentTarget.value)} data-autofocus />
        {planRefusal(publish.error) && <PlanLimitAlert error={publish.error} title="Not published: your plan's limit" />}
        {publish.error && !planRefusal(publish.error) && (
          <Alert color="red" title="Not published" role="alert">
            <Text size="sm">{describeError(publish.error)}</Text>
            {refused.length > 0 && <List size="xs">{refused.map((e, i) => <List.Item key={i}>{e.field}: {e.rule}</List.Item>)}</List>}
          </Alert>
        )}
        <Group justify="flex-end">
          <Button variant="default" onClick={onClose}>Cancel</Button>
          <Button onClick={() => publish.mutate()} loading={publish.isPending} disabled={errors.length > 0}>Publish</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
