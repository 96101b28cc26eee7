import { Button, Group, Modal, Stack, Text, TextInput } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconDownload, IconEraser } from "@tabler/icons-react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { api, unwrap } from "../../api/client";
import { describeError } from "../../api/problems";
import { type Contact } from "./model";
import { keys, useContactChanged } from "./queries";
import { type May } from "../../state/permissions";

export function downloadFile(name: string, content: string, type: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  URL.revokeObjectURL(url);
}

/** Data export (editors) and erasure (admins, confirmed by typing the phone). */
export function DataActions({ workspaceId, contact, may }: { workspaceId: string; contact: Contact; may: May }) {
  const [erasing, erase] = useDisclosure(false);
  const [typed, setTyped] = useState("");
  const changed = useContactChanged(workspaceId);
  const client = useQueryClient();
  const path = { workspace_id: workspaceId, contact_id: contact.contact_id };
  const exportData = useMutation({
    mutationFn: async () => unwrap(await api.GET("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}/export", { params: { path } })),
    onSuccess: (data) => downloadFile(`contact-${contact.contact_id}.json`, JSON.stringify(data, null, 2), "application/json"),
    onError: (error) => notifications.show({ color: "red", title: "Export failed", message: describeError(error) }),
  });
  const eraseData = useMutation({
    mutationFn: async () => unwrap(await api.DELETE("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}/personal-data", { params: { path } })),
    onSuccess: (result) => {
      changed(result);
      void client.invalidateQueries({ queryKey: keys.contact(workspaceId, contact.contact_id) });
      erase.close();
      notifications.show({ color: "teal", message: "Personal data erased" });
    },
    onError: (error) => notifications.show({ color: "red", title: "Not erased", message: describeError(error) }),
  });
  const confirmWith = contact.phone || contact.user_id;
  const normalized = (s: string) => s.replace(/[\s()-]/g, "");

  return (
    <Group gap="xs">
      {may("contacts:export") && (
        <Button variant="default" leftSection={<IconDownload size={16} />} onClick={() => exportData.mutate()} loading={exportData.isPending}>
          Export data (JSON)
        </Button>
      )}
      {may("contacts:erase") && !contact.erased && (
        <Button variant="light" color="red" leftSection={<IconEraser size={16} />} onClick={erase.open}>
          Erase
        </Button>
      )}
      <Modal opened={erasing} onClose={erase.close} title="Erase this contact's personal data?">
        <form
          onSubmit={(e) => {
            e.preventDefault();
            eraseData.mutate();
          }}
        >
          <Stack>
            <Text size="sm">
              Their profile, fields, tags, messages and timeline are deleted for good; only the id and the erasure remain. An opt-out is kept, so they are not messaged again.
            </Text>
            <TextInput
              label={`Type ${confirmWith} to confirm`}
              value={typed}
              onChange={(e) => setTyped(e.currentTarget.value)}
              autoComplete="off"
            />
            <Group justify="flex-end">
              <Button variant="default" onClick={erase.close}>
                Cancel
              </Button>
              <Button type="submit" color="red" disabled={normalized(typed) !== normalized(confirmWith)} loading={eraseData.isPending}>
                Erase personal data
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </Group>
  );
}
