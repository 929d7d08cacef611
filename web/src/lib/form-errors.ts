import { ApiError } from './api/client.js';
import { fieldMessage } from './format.js';

/** Why a form was refused: a message for each field the form shows, and one for the rest. */
export interface FormErrors {
  /** Keyed by the API's input path (`input.email`, `password`), without the path in the text. */
  fields: Readonly<Record<string, string>>;
  /** What no shown field explains (a NOT_FOUND, a FORBIDDEN, a field the form has no control for). */
  message: string | null;
}

export const NO_ERRORS: FormErrors = { fields: {}, message: null };

/**
 * Sorts a refusal onto the form: the problems of the fields in `shown` go next to those fields;
 * anything else becomes the form's own message, so no error goes unseen.
 */
export function formErrors(e: unknown, shown: readonly string[]): FormErrors {
  if (!(e instanceof ApiError)) return { fields: {}, message: e instanceof Error ? e.message : String(e) };
  const fields: Record<string, string> = {};
  const rest: string[] = [];
  for (const p of e.problems) {
    if (shown.includes(p.field)) fields[p.field] ??= fieldMessage(p.message, p.field);
    else rest.push(`${p.field}: ${fieldMessage(p.message, p.field)}`);
  }
  if (!e.problems.length) return { fields, message: e.message };
  return { fields, message: rest.length ? rest.join('; ') : null };
}

/** Tells whether a form has anything to show. */
export function hasErrors(errors: FormErrors): boolean {
  return errors.message !== null || Object.keys(errors.fields).length > 0;
}

/** An error in words, for actions without a form (a row's button). */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.problems.length ? e.problems.map((p) => fieldMessage(p.message, p.field)).join('; ') : e.message;
  return e instanceof Error ? e.message : String(e);
}
