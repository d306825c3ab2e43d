import type { FormInstance } from "antd";
import { ApiError, errorMessage, issuesByField } from "../api/problem";

/**
 * Put a failed submit's problem+json on the form: field issues on their fields (and a problem whose `code` names
 * one field, e.g. `school_exists` -> `code`, on that field), anything else returned as one message for a
 * form-level Alert (null when everything landed on a field).
 */
export function applyProblem<T>(
  form: FormInstance<T>,
  err: unknown,
  fields: readonly string[],
  codeFields: Record<string, string> = {},
): string | null {
  if (!(err instanceof ApiError)) return errorMessage(err);
  const { byField, rest } = issuesByField(err.issues, fields);
  const target = Object.hasOwn(codeFields, err.code) ? codeFields[err.code] : undefined;
  if (target && !byField[target]) byField[target] = [err.message];
  const entries = Object.entries(byField);
  if (entries.length) {
    form.setFields(entries.map(([name, errors]) => ({ name: name as never, errors })));
  }
  if (entries.length > 0 && rest.length === 0) return null;
  return rest.length ? rest.join("；") : err.message;
}
