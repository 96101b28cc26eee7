import type { Account } from "./browser";
import { apiCall } from "./api";
import { eventually } from "./wait";

// Plans through the API: whether this system takes payments (the fake Stripe), and a plan bought
// the way a browser would (checkout, then the hosted page's Pay form), for tests that need a
// paid plan's features but are not about paying.

export async function stripeEnabled(baseUrl: string, account: Account): Promise<boolean> {
  const plans = await apiCall(baseUrl, account, "GET", "/api/v1/plans");
  return plans.stripe_enabled === true;
}

export async function currentPlan(baseUrl: string, account: Account): Promise<{ id: string; status: string }> {
  const page = await apiCall(baseUrl, account, "GET", `/api/v1/workspaces/${account.workspaceId}/billing`);
  const plan = page.plan as { id: string };
  return { id: plan.id, status: String(page.status) };
}

export async function buyPlan(baseUrl: string, account: Account, plan: string): Promise<void> {
  const session = await apiCall(baseUrl, account, "POST", `/api/v1/workspaces/${account.workspaceId}/billing/checkout`, { plan });
  const paid = await fetch(`${String(session.url)}/pay`, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: "outcome=success",
    redirect: "manual",
  });
  if (paid.status !== 303) throw new Error(`hosted checkout: ${paid.status} ${await paid.text()}`);
  // The webhook reaches billing a moment later.
  await eventually(`${plan} bought`, async () => (await currentPlan(baseUrl, account)).id === plan, 20);
}
