import { Navigate, useLocation } from "react-router";

import { Loading } from "../../../components/PageState";
import { useMe } from "../../../state/workspace";
import { pendingCheckout } from "./queries";

/** `/settings/billing`, where Stripe sends people back (it knows no workspace): the billing page
 * of the workspace that started the checkout, else of the first the user owns, else the first. */
export function BillingRedirect() {
  const me = useMe();
  const { search } = useLocation();
  if (me.isPending) return <Loading />;
  const memberships = me.data?.memberships ?? [];
  const pending = pendingCheckout();
  const target =
    memberships.find((m) => m.workspace_id === pending?.workspaceId) ??
    memberships.find((m) => m.role === "owner") ??
    memberships[0];
  if (!target) return <Navigate to="/onboarding" replace />;
  return <Navigate to={`/w/${target.workspace_id}/settings/billing${search}`} replace />;
}
