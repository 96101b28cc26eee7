import { useForm } from "@mantine/form";

import { fieldProblem } from "../model/problems";
import type { FlowNode, FlowProblem } from "../model/types";
import { useBuilder } from "../state/builderStore";

// A Mantine form over one node whose every change goes straight into the builder store (so
// autosave, validation and undo see it). A burst of edits on one node is one undo step. The
// form is re-created (keyed by the store's revision) when undo/redo replaces the graph.
export function useNodeForm<T extends FlowNode>(node: T, problems: FlowProblem[]) {
  const form = useForm<T>({
    mode: "controlled",
    initialValues: node,
    onValuesChange: (values) =>
      // Id, position and label are not this form's: keep the store's (moved, relabelled).
      useBuilder.getState().updateNode(node.id, (current) => ({ ...values, id: current.id, position: current.position, label: current.label }) as FlowNode, `edit:${node.id}`),
  });
  const err = (field: string) => fieldProblem(problems, node.id, field);
  /** getInputProps with the validation problem of the same field (contract paths use [i]). */
  const bind = (path: string, problemField = path.replace(/\.(\d+)(?=\.|$)/g, "[$1]")) => ({
    ...form.getInputProps(path),
    error: err(problemField),
  });
  /** A NumberInput bound to a number field; empty means null when the field allows it. */
  const num = (path: string, nullable = false) => ({
    value: (getPath(form.getValues(), path) as number | null | undefined) ?? "",
    onChange: (v: string | number) => {
      if (v === "" || v === null) {
        if (nullable) form.setFieldValue(path, null as never);
        return;
      }
      const n = typeof v === "number" ? v : Number(v);
      if (Number.isFinite(n)) form.setFieldValue(path, n as never);
    },
    error: err(path),
  });
  return { form, err, bind, num };
}

function getPath(values: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), values);
}
