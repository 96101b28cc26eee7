// The gateway answers every refusal as RFC 9457 problem details naming the field and the rule.
export interface FieldError {
  field: string;
  rule: string;
}

export interface ProblemBody {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: FieldError[];
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];

  constructor(status: number, body: ProblemBody | undefined) {
    super(body?.detail ?? body?.title ?? `Request failed (${status})`);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.code ?? "";
    this.errors = body?.errors ?? [];
  }

  /** The message for one form field, e.g. `fieldError("definition.nodes.0.body")`. */
  fieldError(field: string): string | undefined {
    return this.errors.find((e) => e.field === field || e.field.endsWith(`.${field}`))?.rule;
  }
}

/** A readable sentence for any thrown value, for error states and notifications. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.errors.map((e) => `${e.field}: ${e.rule}`).join("; ");
    return fields ? `${error.message} (${fields})` : error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Field errors as a Mantine form's `setErrors` argument, keyed by the field's last segments. */
export function formErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const out: Record<string, string> = {};
  for (const e of error.errors) out[e.field.replace(/^body\./, "")] = e.rule;
  return out;
}
