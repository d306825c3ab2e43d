import type { FormInstance } from "antd";
import { ApiError, errorMessage, issuesByField } from "../api/problem";

/**
 * Put a failed submit's problem+json on the form: field issues on their fields, anything else returned as one
 * message for a form-level Alert (null when everything landed on a field).
 */
export function applyProblem<T>(form: FormInstance<T>, err: unknown, fields: readonly string[]): string | null {
  if (!(err instanceof ApiError)) return errorMessage(err);
  const { byField, rest } = issuesByField(err.issues, fields);
  const entries = Object.entries(byField);
  if (entries.length) {
    form.setFields(entries.map(([name, errors]) => ({ name: name as never, errors })));
  }
  if (entries.length > 0 && rest.length === 0) return null;
  return rest.length ? rest.join("；") : err.message;
}
