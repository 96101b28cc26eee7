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
  /** A plan's refusal (402): the plan that lifts the limit or has the feature, when one does. */
  upgrade?: { plan_name: string } | null;
}

/** The codes of a plan's refusals (HTTP 402). */
export const PLAN_CODES: readonly string[] = ["PLAN_LIMIT_REACHED", "PLAN_FEATURE_MISSING"];

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly errors: FieldError[];
  /** The name of the plan that lifts a plan's refusal, if the gateway named one. */
  readonly upgrade: string | null;

  constructor(status: number, body: ProblemBody | undefined) {
    super(body?.detail ?? body?.title ?? `Request failed (${status})`);
    this.name = "ApiError";
    this.status = status;
    this.code = body?.code ?? "";
    this.errors = body?.errors ?? [];
    this.upgrade = body?.upgrade?.plan_name ?? null;
  }

  /** A refusal of the workspace's plan (a limit reached or a feature it lacks). */
  get isPlanRefusal(): boolean {
    return this.status === 402 || PLAN_CODES.includes(this.code);
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

/** The error as a plan's refusal, or null when it is any other error. */
export function planRefusal(error: unknown): ApiError | null {
  return error instanceof ApiError && error.isPlanRefusal ? error : null;
}
