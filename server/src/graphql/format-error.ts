import type { GraphQLFormattedError } from 'graphql';
import { ErrorCode } from '../domain/errors.js';

/** Codes whose messages are written for clients and pass through unchanged. */
export const EXPOSED_CODES = new Set<string>([...Object.values(ErrorCode), 'GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']);

interface ClassValidatorError {
  property: string;
  constraints?: Record<string, string>;
  children?: ClassValidatorError[];
}

/** Flattens class-validator errors into `path: message` problems. */
export function validationProblems(errors: ClassValidatorError[], prefix = ''): { field: string; message: string }[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...validationProblems(e.children ?? [], field)];
  });
}

function originalChain(error: unknown): { extensions?: Record<string, unknown> }[] {
  const chain = [];
  let e = error as { originalError?: unknown; extensions?: Record<string, unknown> } | undefined;
  while (e && chain.length < 5) {
    chain.push(e);
    e = e.originalError as typeof e;
  }
  return chain;
}

/**
 * Client-facing errors: our coded errors pass through; class-validator failures list each field
 * and rule; the query-limit code survives Apollo's relabelling of validation-rule errors; anything
 * unexpected is reduced to a generic message unless `exposeInternals` (NODE_ENV=development) is set
 * on purpose. Unexpected errors are logged, with the request id, by the operation guards' plugin.
 */
export function createFormatError(exposeInternals: boolean) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const chain = originalChain(error);
    if (chain.some((e) => e.extensions?.code === ErrorCode.QUERY_TOO_COMPLEX)) {
      return { ...formatted, extensions: { ...formatted.extensions, code: ErrorCode.QUERY_TOO_COMPLEX } };
    }
    const validation = chain.find((e) => Array.isArray(e.extensions?.validationErrors));
    if (validation) {
      const problems = validationProblems(validation.extensions!.validationErrors as ClassValidatorError[]);
      return {
        message: `Invalid input: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`,
        path: formatted.path,
        locations: formatted.locations,
        extensions: { code: ErrorCode.BAD_USER_INPUT, field: problems[0]?.field, problems },
      };
    }
    const code = String(formatted.extensions?.code ?? '');
    if (EXPOSED_CODES.has(code)) {
      if (exposeInternals) return formatted;
      const { stacktrace: _drop, http: _http, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (exposeInternals) return formatted;
    return { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' }, path: formatted.path };
  };
}
