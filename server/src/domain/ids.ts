import { badInput, notFound } from './errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** An id that is not a UUID cannot exist: answer NOT_FOUND rather than a database error. */
export function assertId(id: string, entity: string): string {
  if (!UUID.test(id)) throw notFound(entity, id);
  return id.toLowerCase();
}

/** Same, for ids inside an input object, reported as BAD_USER_INPUT on the field. */
export function assertInputId(id: string, field: string): string {
  if (!UUID.test(id)) throw badInput(`${field}: "${id}" is not an id`, field);
  return id.toLowerCase();
}
