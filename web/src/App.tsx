import { MantineProvider } from "@mantine/core";
import { Notifications } from "@mantine/notifications";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import {
  createBrowserRouter,
  Navigate,
  Outlet,
  type RouteObject,
  RouterProvider,
  useLocation,
} from "react-router";

import { ApiError } from "./api/problems";
import { useSession } from "./auth/session";
import { Loading } from "./components/PageState";
import { authRoutes } from "./features/auth/routes";
import { campaignRoutes } from "./features/campaigns/routes";
import { contactRoutes } from "./features/contacts/routes";
import { dashboardRoutes } from "./features/dashboard/routes";
import { flowRoutes } from "./features/flows/routes";
import { knowledgeRoutes } from "./features/knowledge/routes";
import { leadRoutes } from "./features/leads/routes";
import { onboardingRoutes } from "./features/onboarding/routes";
import { sandboxRoutes } from "./features/sandbox/routes";
import { invitationRoutes, settingsRoutes } from "./features/settings/routes";
import { AppLayout } from "./layout/AppLayout";
import { useMe } from "./state/workspace";
import { cssVariablesResolver, theme } from "./theme";

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // A refusal (4xx) will not change on retry; a 503 from a restarting service may.
      retry: (count, error) =>
        count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      staleTime: 5_000,
    },
  },
});

function RequireSession() {
  const tokens = useSession((s) => s.tokens);
  const location = useLocation();
  if (!tokens) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/login?next=${next}`} replace />;
  }
  return <Outlet />;
}

/** `/`: the first workspace's dashboard, or onboarding for a user with none. */
function Home() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  const first = me.data?.memberships[0];
  return <Navigate to={first ? `/w/${first.workspace_id}/dashboard` : "/onboarding"} replace />;
}

const routes: RouteObject[] = [
  ...authRoutes,
  {
    element: <RequireSession />,
    children: [
      { path: "/", element: <Home /> },
      ...onboardingRoutes,
      ...invitationRoutes,
      {
        path: "/w/:workspaceId",
        element: <AppLayout />,
        children: [
          { index: true, element: <Navigate to="dashboard" replace /> },
          ...dashboardRoutes,
          ...flowRoutes,
          ...sandboxRoutes,
          ...contactRoutes,
          ...campaignRoutes,
          ...knowledgeRoutes,
          ...leadRoutes,
          ...settingsRoutes,
        ],
      },
    ],
  },
  { path: "*", element: <Navigate to="/" replace /> },
];

// Pages load lazily (lazyPage.ts); the first one shows a spinner meanwhile.
const router = createBrowserRouter([{ hydrateFallbackElement: <Loading />, children: routes }]);

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="dark" cssVariablesResolver={cssVariablesResolver}>
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <RouterProvider router={router} />
      </QueryClientProvider>
    </MantineProvider>
  );
}
