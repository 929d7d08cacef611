/**
 * Arrays cannot be bound as one `?` through MikroORM's `execute` (knex expands them into
 * `?, ?, ...`, and PostgreSQL allows at most 65,535 parameters), so they cross as one JSON
 * parameter: use `col in (select jsonb_array_elements_text(?::jsonb))` (cast for uuid columns).
 */
export function jsonParam(values: readonly string[]): string {
  return JSON.stringify(values);
}

export const IN_TEXT = '(select jsonb_array_elements_text(?::jsonb))';
export const IN_UUID = '(select jsonb_array_elements_text(?::jsonb)::uuid)';
