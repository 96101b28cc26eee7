import { Alert, Badge, Button, Code, Group, Paper, Stack, Text, Title } from "@mantine/core";
import { notifications } from "@mantine/notifications";
import { IconCreditCard, IconInfoCircle } from "@tabler/icons-react";
import { useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useSearchParams } from "react-router";

import { describeError } from "../../../api/problems";
import { QueryState } from "../../../components/PageState";
import { usePermissions } from "../../../state/permissions";
import { useWorkspaceId } from "../../../state/workspace";
import { CopyField } from "../shared/CopyField";
import { Facts } from "../shared/Facts";
import { formatDate, formatPeriod, planStatus, type BillingPage as Billing, type PlanView } from "./format";
import { InvoicesTable } from "./InvoicesTable";
import { PlansTable } from "./PlansTable";
import { billingKeys, forgetCheckout, pendingCheckout, rememberCheckout, useBilling, useCheckout, usePortal } from "./queries";
import { UsagePanel } from "./UsagePanel";

// Stripe confirms a payment to billing by webhook, a moment after it sends the person back: the
// page asks again every 1.5 s until the plan has changed, for at most a minute.
const CONFIRM_EVERY_MS = 1_500;
const CONFIRM_FOR_MS = 60_000;

type Return = "success" | "cancelled" | null;

function returnOf(value: string | null): Return {
  return value === "success" || value === "cancelled" ? value : null;
}

/** Whether the page still shows the plan from before the payment. */
export function stillOld(page: Pick<Billing, "plan" | "source">, fromPlan: string | null): boolean {
  return fromPlan !== null ? page.plan.id === fromPlan : page.source !== "stripe";
}

export function BillingPage() {
  const workspaceId = useWorkspaceId();
  const may = usePermissions(workspaceId);
  const canManage = may("billing:manage");
  const client = useQueryClient();
  const [params, setParams] = useSearchParams();
  // What Stripe's return said, kept after the query string is cleaned (a reload must not repeat it).
  const [returned, setReturned] = useState<Return>(() => returnOf(params.get("checkout")));
  const [confirmingSince, setConfirmingSince] = useState<number | null>(() => (returned === "success" ? Date.now() : null));
  const [fromPlan] = useState(() => {
    const pending = pendingCheckout();
    return pending && pending.workspaceId === workspaceId ? pending.fromPlan : null;
  });
  const billing = useBilling(workspaceId, { refetchInterval: confirmingSince !== null ? CONFIRM_EVERY_MS : false });
  const checkout = useCheckout(workspaceId);
  const portal = usePortal(workspaceId);
  const [busyPlan, setBusyPlan] = useState<string | null>(null);

  useEffect(() => {
    if (!params.has("checkout")) return;
    if (params.get("checkout") === "success") {
      notifications.show({ id: "checkout-success", color: "teal", title: "Payment received — your plan updates in a moment", message: "Stripe is confirming the subscription." });
      void client.invalidateQueries({ queryKey: billingKeys.page(workspaceId) });
    }
    const next = new URLSearchParams(params);
    next.delete("checkout");
    setParams(next, { replace: true });
  }, [params, setParams, client, workspaceId]);

  const data = billing.data;
  useEffect(() => {
    if (confirmingSince === null || !data) return;
    const expired = Date.now() - confirmingSince > CONFIRM_FOR_MS;
    if (!stillOld(data, fromPlan) || expired) {
      setConfirmingSince(null);
      forgetCheckout();
      void client.invalidateQueries({ queryKey: billingKeys.invoices(workspaceId) });
      if (!expired) notifications.show({ color: "teal", message: `Your plan is now ${data.plan.name}.` });
    }
  }, [confirmingSince, data, fromPlan, client, workspaceId]);

  function openPortal() {
    portal.mutate(undefined, { onSuccess: ({ url }) => window.location.assign(url) });
  }

  function choose(page: Billing, plan: PlanView) {
    // An organization that pays already changes plans in Stripe's portal, not a second checkout.
    if (subscribed(page)) return openPortal();
    setBusyPlan(plan.plan_id);
    checkout.mutate(plan.plan_id, {
      onSuccess: ({ url }) => {
        rememberCheckout({ workspaceId, fromPlan: page.plan.id, toPlan: plan.plan_id, at: Date.now() });
        window.location.assign(url);
      },
      onError: () => setBusyPlan(null),
    });
  }

  return (
    <QueryState query={billing} loading="Loading your plan…">
      {(page) => {
        const status = planStatus(page);
        return (
          <Stack>
            <Group justify="space-between" align="flex-end">
              <div>
                <Title order={3}>Plan and usage</Title>
                <Text size="sm" c="dimmed">
                  What this workspace&apos;s plan allows, what it has used, and the other plans.
                </Text>
              </div>
              {page.stripe_enabled && canManage && (
                <Button variant="default" leftSection={<IconCreditCard size={16} />} onClick={openPortal} loading={portal.isPending}>
                  Manage billing
                </Button>
              )}
            </Group>
            {returned === "cancelled" && (
              <Alert color="gray" icon={<IconInfoCircle />} title="Checkout cancelled" withCloseButton closeButtonLabel="Dismiss" onClose={() => setReturned(null)}>
                Nothing was charged; your plan is unchanged.
              </Alert>
            )}
            {confirmingSince !== null && (
              <Alert color="blue" icon={<IconInfoCircle />} title="Confirming your payment" role="status">
                Your plan updates here as soon as Stripe confirms the subscription.
              </Alert>
            )}
            {(checkout.error || portal.error) && (
              <Alert color="red" title="Billing could not be opened" role="alert" withCloseButton closeButtonLabel="Dismiss" onClose={() => { checkout.reset(); portal.reset(); }}>
                {describeError(checkout.error ?? portal.error)}
              </Alert>
            )}
            <Paper withBorder p="md">
              <Stack gap="sm">
                <Group gap="sm">
                  <Title order={4} data-testid="current-plan">
                    {page.plan.name}
                  </Title>
                  <Badge color={status.color} variant="light" data-testid="plan-status">
                    {status.label}
                  </Badge>
                </Group>
                {status.note && <Text size="sm">{status.note}</Text>}
                <Facts
                  items={[
                    { label: "Billing period", value: formatPeriod(page.period.start, page.period.end) },
                    ...(page.trial_end && page.status === "trialing" ? [{ label: "Trial ends", value: formatDate(page.trial_end) }] : []),
                    ...(page.current_period_end && page.source === "stripe" ? [{ label: page.cancel_at_period_end ? "Ends on" : "Renews on", value: formatDate(page.current_period_end) }] : []),
                    ...(page.grace_until ? [{ label: "Paid plan holds until", value: formatDate(page.grace_until) }] : []),
                  ]}
                />
              </Stack>
            </Paper>
            {!page.stripe_enabled && <AssignedByAdmin organizationId={page.organization_id} />}
            <UsagePanel usage={page.usage} warnings={page.warnings} periodText={formatPeriod(page.period.start, page.period.end)} />
            <PlansTable
              plans={page.plans}
              currentId={page.plan.id}
              metrics={page.usage.map((bar) => bar.metric)}
              canBuy={page.stripe_enabled && canManage}
              busyPlan={busyPlan}
              onChoose={(plan) => choose(page, plan)}
            />
            {page.stripe_enabled && canManage && subscribed(page) && (
              <Text size="sm" c="dimmed">
                This organization pays by subscription: plan changes, the card and cancelling are in Stripe&apos;s billing portal.
              </Text>
            )}
            {page.stripe_enabled && !canManage && (
              <Text size="sm" c="dimmed">
                Only owners change the plan.
              </Text>
            )}
            {page.stripe_enabled && canManage && <InvoicesTable workspaceId={workspaceId} />}
          </Stack>
        );
      }}
    </QueryState>
  );
}

function subscribed(page: Pick<Billing, "source" | "status">): boolean {
  return page.source === "stripe" && page.status !== "canceled";
}

function AssignedByAdmin({ organizationId }: { organizationId: string }) {
  return (
    <Alert color="blue" icon={<IconInfoCircle />} title="Plans are assigned by an administrator" data-testid="assigned-by-admin">
      <Stack gap="xs">
        <Text size="sm">
          Online payment is not set up on this installation. An administrator of this Parley installation assigns your
          organization its plan with <Code>parley billing assign &lt;organization&gt; &lt;plan&gt;</Code>. Quote your
          organization&apos;s ID:
        </Text>
        <CopyField label="Organization ID" value={organizationId} />
      </Stack>
    </Alert>
  );
}
