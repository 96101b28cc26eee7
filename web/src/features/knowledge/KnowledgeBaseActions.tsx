import { Button, Group } from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import { notifications } from "@mantine/notifications";
import { IconPencil, IconTrash } from "@tabler/icons-react";
import { useNavigate } from "react-router";

import { ConfirmAction } from "../settings/shared/ConfirmAction";
import { KnowledgeBaseModal } from "./KnowledgeBaseModal";
import type { KnowledgeBase } from "./model";
import { useDeleteKnowledgeBase } from "./queries";

/** Rename and delete (asking first) for one knowledge base; after a delete from its own page,
 * back to the list. */
export function KnowledgeBaseActions({ workspaceId, kb, compact = false, leave = false }: { workspaceId: string; kb: KnowledgeBase; compact?: boolean; leave?: boolean }) {
  const [renaming, { open, close }] = useDisclosure(false);
  const remove = useDeleteKnowledgeBase(workspaceId);
  const navigate = useNavigate();
  return (
    <Group gap="xs" justify="flex-end" wrap="nowrap">
      <Button size="xs" variant="default" leftSection={<IconPencil size={14} />} onClick={open} aria-label={`Rename ${kb.name}`}>
        Rename
      </Button>
      <ConfirmAction
        label={compact ? <IconTrash size={14} /> : "Delete"}
        ariaLabel={`Delete ${kb.name}`}
        title={`Delete “${kb.name}”?`}
        confirmLabel="Delete knowledge base"
        onConfirm={async () => {
          await remove.mutateAsync(kb.knowledge_base_id);
          notifications.show({ color: "teal", message: `“${kb.name}” deleted` });
          if (leave) navigate(`/w/${workspaceId}/knowledge`);
        }}
      >
        Its {kb.documents ?? 0} document{kb.documents === 1 ? "" : "s"} and their passages are deleted. AI answer nodes that name
        it find no answer until you choose another knowledge base in them.
      </ConfirmAction>
      <KnowledgeBaseModal key={renaming ? "open" : "closed"} workspaceId={workspaceId} existing={kb} opened={renaming} onClose={close} />
    </Group>
  );
}
