import { ActionIcon, Menu } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconDots, IconExternalLink, IconShieldX, IconStairs } from "@tabler/icons-react";
import { useMutation } from "@tanstack/react-query";
import { Link } from "react-router";

import { api, unwrap } from "../../api/client";
import { describeError } from "../../api/problems";
import { consentOf, STAGES, type Contact, type Stage } from "./model";
import { useContactChanged } from "./queries";
import { type May } from "../../state/permissions";

type Change = { kind: "stage"; stage: Stage } | { kind: "opt_out" };

/** One contact's quick actions from the list (the rest live on its page). */
export function ContactRowMenu({ workspaceId, contact, may }: { workspaceId: string; contact: Contact; may: May }) {
  const changed = useContactChanged(workspaceId);
  const path = { workspace_id: workspaceId, contact_id: contact.contact_id };
  const change = useMutation({
    mutationFn: async (c: Change) =>
      c.kind === "stage"
        ? unwrap(await api.PUT("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}/stage", { params: { path }, body: { stage: c.stage } }))
        : unwrap(await api.POST("/api/v1/workspaces/{workspace_id}/contacts/{contact_id}/opt-out", { params: { path }, body: { source: "agent", channel: "whatsapp" } })),
    onSuccess: (result, c) => {
      changed(result);
      notifications.show({ color: "teal", message: c.kind === "stage" ? `Moved to ${c.stage}` : "Opted out" });
    },
    onError: (error) => notifications.show({ color: "red", title: "Not changed", message: describeError(error) }),
  });
  const name = contact.name || contact.phone || contact.contact_id;
  return (
    <Menu position="bottom-end" withinPortal>
      <Menu.Target>
        <ActionIcon variant="subtle" aria-label={`Actions for ${name}`} loading={change.isPending}>
          <IconDots size={16} />
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Item leftSection={<IconExternalLink size={14} />} component={Link} to={`/w/${workspaceId}/contacts/${contact.contact_id}`}>
          Open
        </Menu.Item>
        {may("contacts:write") && !contact.erased && (
          <>
            <Menu.Label>Move to stage</Menu.Label>
            {STAGES.filter((s) => s.value !== contact.stage).map((s) => (
              <Menu.Item key={s.value} leftSection={<IconStairs size={14} />} onClick={() => change.mutate({ kind: "stage", stage: s.value })}>
                {s.label}
              </Menu.Item>
            ))}
          </>
        )}
        {may("consent:write") && consentOf(contact) !== "opted_out" && !contact.erased && (
          <>
            <Menu.Divider />
            <Menu.Item color="red" leftSection={<IconShieldX size={14} />} onClick={() => change.mutate({ kind: "opt_out" })}>
              Opt out
            </Menu.Item>
          </>
        )}
      </Menu.Dropdown>
    </Menu>
  );
}
