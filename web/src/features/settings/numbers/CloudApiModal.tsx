import { Modal } from "@mantine/core";

import { CloudApiConnectForm } from "./CloudApiConnectForm";
import type { ChannelView } from "./health";

/** Connect a WhatsApp Cloud API number from the settings page. Closing it unmounts the form,
 * so it opens empty next time. */
export function CloudApiModal({
  workspaceId,
  opened,
  onClose,
  onConnected,
}: {
  workspaceId: string;
  opened: boolean;
  onClose: () => void;
  onConnected: (channel: ChannelView) => void;
}) {
  return (
    <Modal opened={opened} onClose={onClose} title="Connect a Cloud API number" size="lg">
      <CloudApiConnectForm workspaceId={workspaceId} onConnected={onConnected} onCancel={onClose} />
    </Modal>
  );
}
