import { Navigate, type RouteObject } from "react-router";

import { page } from "../../lazyPage";

// Children of /w/:workspaceId.
export const settingsRoutes: RouteObject[] = [
  {
    path: "settings",
    lazy: page(() => import("./SettingsLayout"), (m) => m.SettingsLayout),
    children: [
      { index: true, element: <Navigate to="numbers" replace /> },
      { path: "numbers", lazy: page(() => import("./numbers/NumbersPage"), (m) => m.NumbersPage) },
      { path: "members", lazy: page(() => import("./members/MembersPage"), (m) => m.MembersPage) },
      { path: "api-keys", lazy: page(() => import("./apikeys/ApiKeysPage"), (m) => m.ApiKeysPage) },
      { path: "billing", lazy: page(() => import("./billing/BillingPage"), (m) => m.BillingPage) },
      { path: "workspace", lazy: page(() => import("./workspace/WorkspacePage"), (m) => m.WorkspacePage) },
      { path: "*", element: <Navigate to="numbers" replace /> },
    ],
  },
];

// Outside any workspace: App.tsx registers them among the signed-in routes.
export const invitationRoutes: RouteObject[] = [
  {
    path: "/invite",
    lazy: page(() => import("./members/AcceptInvitationPage"), (m) => m.AcceptInvitationPage),
  },
  // Stripe's return address (Checkout and the billing portal): on to a workspace's billing page.
  {
    path: "/settings/billing",
    lazy: page(() => import("./billing/BillingRedirect"), (m) => m.BillingRedirect),
  },
];
