import { Navigate, type RouteObject } from "react-router";

import { AcceptInvitationPage } from "./members/AcceptInvitationPage";
import { MembersPage } from "./members/MembersPage";
import { ApiKeysPage } from "./apikeys/ApiKeysPage";
import { NumbersPage } from "./numbers/NumbersPage";
import { SettingsLayout } from "./SettingsLayout";
import { WorkspacePage } from "./workspace/WorkspacePage";

// Children of /w/:workspaceId.
export const settingsRoutes: RouteObject[] = [
  {
    path: "settings",
    element: <SettingsLayout />,
    children: [
      { index: true, element: <Navigate to="numbers" replace /> },
      { path: "numbers", element: <NumbersPage /> },
      { path: "members", element: <MembersPage /> },
      { path: "api-keys", element: <ApiKeysPage /> },
      { path: "workspace", element: <WorkspacePage /> },
      { path: "*", element: <Navigate to="numbers" replace /> },
    ],
  },
];

// Outside any workspace: App.tsx registers it among the signed-in routes.
export const invitationRoutes: RouteObject[] = [{ path: "/invite", element: <AcceptInvitationPage /> }];
