import {
  ActionIcon,
  AppShell,
  Burger,
  Group,
  Menu,
  NavLink,
  ScrollArea,
  Select,
  Text,
  Tooltip,
  useMantineColorScheme,
} from "@mantine/core";
import { useDisclosure } from "@mantine/hooks";
import {
  IconAddressBook,
  IconBolt,
  IconBooks,
  IconDeviceMobileMessage,
  IconLayoutDashboard,
  IconLogout,
  IconMoon,
  IconSettings,
  IconSpeakerphone,
  IconSun,
  IconUser,
  IconUserSearch,
} from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useLocation, useNavigate } from "react-router";

import { api } from "../api/client";
import { useSession } from "../auth/session";
import { useMe, useWorkspaceId } from "../state/workspace";
import { UsageBanner } from "./UsageBanner";

const NAV = [
  { to: "dashboard", label: "Dashboard", icon: IconLayoutDashboard },
  { to: "flows", label: "Flows", icon: IconBolt },
  { to: "sandbox", label: "Sandbox phone", icon: IconDeviceMobileMessage },
  { to: "contacts", label: "Contacts", icon: IconAddressBook },
  { to: "campaigns", label: "Campaigns", icon: IconSpeakerphone },
  { to: "knowledge", label: "Knowledge", icon: IconBooks },
  { to: "leads", label: "Lead capture", icon: IconUserSearch },
  { to: "settings", label: "Settings", icon: IconSettings },
];

export function AppLayout() {
  const [opened, { toggle, close }] = useDisclosure();
  const workspaceId = useWorkspaceId();
  const location = useLocation();
  const navigate = useNavigate();
  const me = useMe();
  const queryClient = useQueryClient();
  const { colorScheme, toggleColorScheme } = useMantineColorScheme();
  const signOut = useSession((s) => s.signOut);
  const base = `/w/${workspaceId}`;

  async function logout() {
    await api.POST("/api/v1/auth/logout", {}).catch(() => undefined);
    signOut();
    queryClient.clear();
    navigate("/login");
  }

  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 232, breakpoint: "md", collapsed: { mobile: !opened } }}
      padding="md"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between" wrap="nowrap">
          <Group gap="sm" wrap="nowrap">
            <Burger opened={opened} onClick={toggle} hiddenFrom="md" size="sm" aria-label="Menu" />
            <Text fw={700} size="lg">
              Parley
            </Text>
            <Select
              aria-label="Workspace"
              size="xs"
              w={220}
              value={workspaceId}
              allowDeselect={false}
              data={(me.data?.memberships ?? []).map((m) => ({
                value: m.workspace_id,
                label: `${m.workspace_name} · ${m.organization_name}`,
              }))}
              onChange={(value) => value && navigate(`/w/${value}/dashboard`)}
            />
          </Group>
          <Group gap="xs" wrap="nowrap">
            <Tooltip label={colorScheme === "dark" ? "Light mode" : "Dark mode"}>
              <ActionIcon
                variant="default"
                size="lg"
                onClick={toggleColorScheme}
                aria-label="Toggle color scheme"
              >
                {colorScheme === "dark" ? <IconSun size={18} /> : <IconMoon size={18} />}
              </ActionIcon>
            </Tooltip>
            <Menu position="bottom-end">
              <Menu.Target>
                <ActionIcon variant="default" size="lg" aria-label="Account">
                  <IconUser size={18} />
                </ActionIcon>
              </Menu.Target>
              <Menu.Dropdown>
                <Menu.Label>{me.data?.user.email}</Menu.Label>
                <Menu.Item component={Link} to="/onboarding">
                  Resume the guided tour
                </Menu.Item>
                <Menu.Item leftSection={<IconLogout size={14} />} onClick={logout}>
                  Log out
                </Menu.Item>
              </Menu.Dropdown>
            </Menu>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs" aria-label="Main">
        <ScrollArea>
          {NAV.map((item) => (
            <NavLink
              key={item.to}
              component={Link}
              to={`${base}/${item.to}`}
              label={item.label}
              leftSection={<item.icon size={18} />}
              active={location.pathname.startsWith(`${base}/${item.to}`)}
              onClick={close}
            />
          ))}
        </ScrollArea>
      </AppShell.Navbar>
      <AppShell.Main>
        <UsageBanner workspaceId={workspaceId} />
        <Outlet />
      </AppShell.Main>
    </AppShell>
  );
}
