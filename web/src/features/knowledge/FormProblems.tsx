import { Alert } from "@mantine/core";
import { IconAlertTriangle } from "@tabler/icons-react";

import { planRefusal } from "../../api/problems";
import { PlanLimitAlert } from "../../components/PlanLimitAlert";
import { placeErrors } from "./model";

/** An action's refusal as a form shows it beside its fields: a plan's refusal with the way to
 * the plans, else what no field of the form shows (its fields show the rest). */
export function FormProblems({ error, fields, rename }: { error: unknown; fields: readonly string[]; rename?: Record<string, string> }) {
  if (!error) return null;
  if (planRefusal(error)) return <PlanLimitAlert error={error} />;
  const { other } = placeErrors(error, fields, rename);
  if (!other.length) return null;
  return (
    <Alert color="red" icon={<IconAlertTriangle />} role="alert" py="xs">
      {other.join("; ")}
    </Alert>
  );
}
