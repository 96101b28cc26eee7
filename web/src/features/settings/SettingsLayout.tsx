import { Stack, Tabs, Title } from "@mantine/core";
import { useMediaQuery } from "@mantine/hooks";
import { IconBuilding, IconCreditCard, IconDeviceMobile, IconKey, IconUsers } from "@tabler/icons-react";
import { Outlet, useLocation, useNavigate } from "react-router";

import { QueryState } from "../../components/PageState";
import { useWorkspaceId } from "../../state/workspace";
import { useRoleTable } from "./shared/useRoleTable";

const TABS = [
  { value: "numbers", label: "Numbers", icon: IconDeviceMobile },
  { value: "members", label: "Members", icon: IconUsers },
  { value: "api-keys", label: "API keys", icon: IconKey },
  { value: "billing", label: "Plan and billing", icon: IconCreditCard },
  { value: "workspace", label: "Workspace", icon: IconBuilding },
];

/** Settings sections as tabs on the left (on top below desktop width), one route each. */
export function SettingsLayout() {
  const workspaceId = useWorkspaceId();
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const wide = useMediaQuery("(min-width: 62em)", true);
  const base = `/w/${workspaceId}/settings`;
  // The pages hide what the role may not do: wait for the table rather than flash a refusal.
  const roles = useRoleTable();
  const active = TABS.find((tab) => pathname.startsWith(`${base}/${tab.value}`))?.value ?? "numbers";

  return (
    <Stack gap="md">
      <Title order={2}>Settings</Title>
      <Tabs
        value={active}
        onChange={(value) => value && navigate(`${base}/${value}`)}
        orientation={wide ? "vertical" : "horizontal"}
        keepMounted={false}
        aria-label="Settings sections"
        styles={{ tab: { justifyContent: "flex-start" } }}
      >
        <Tabs.List miw={wide ? 180 : undefined}>
          {TABS.map((tab) => (
            <Tabs.Tab key={tab.value} value={tab.value} leftSection={<tab.icon size={16} />}>
              {tab.label}
            </Tabs.Tab>
          ))}
        </Tabs.List>
        {/* The routed page is the panel of whichever tab is active. */}
        <Tabs.Panel value={active} pl={wide ? "lg" : 0} pt={wide ? 0 : "md"} style={{ minWidth: 0 }}>
          <QueryState query={roles} loading="Loading roles…">
            {() => <Outlet />}
          </QueryState>
        </Tabs.Panel>
      </Tabs>
    </Stack>
  );
}
