import { getNamedType, getNullableType, GraphQLError, isListType, isObjectType, type DocumentNode, type GraphQLSchema } from 'graphql';
import { fieldExtensionsEstimator, getComplexity, simpleEstimator, type ComplexityEstimator } from 'graphql-query-complexity';
import { LIMITS } from '../domain/campaign-options.js';
import { ErrorCode } from '../domain/errors.js';

/** A list of objects with no `limit` argument is costed as this many items (bounded lists: campaigns' agents, a console's followups). */
const UNBOUNDED_LIST_ITEMS = 10;
/** Largest `first` of any cursor page (the report pages). */
const CURSOR_PAGE_MAX = 500;

/**
 * Lists cost their items: a field with a `limit` argument costs `limit * (1 + children)` (its page's
 * `items` are not counted again); any other list of objects `UNBOUNDED_LIST_ITEMS * (1 + children)`. Expensive fields name their own cost
 * through type-graphql's `complexity` option (the field extensions estimator reads it first).
 */
const listEstimator: ComplexityEstimator = ({ type: parent, field, args, childComplexity }) => {
  // a limit above the page maximum is refused by the argument's own validation, with a clearer message
  // offset pages take `limit`; cursor pages (webhook deliveries, reports) take `first`, capped by their own validation
  const limit = typeof args.limit === 'number' ? Math.min(LIMITS.pageMax, Math.max(1, args.limit))
    : typeof args.first === 'number' ? Math.min(CURSOR_PAGE_MAX, Math.max(1, args.first)) : undefined;
  if (limit !== undefined) return limit * (1 + childComplexity);
  const type = getNullableType(field.type);
  if (!isListType(type) || !isObjectType(getNamedType(type))) return undefined;
  // a page's items: the page field's `limit` already counts them
  if (parent.name.endsWith('Page')) return 1 + childComplexity;
  return UNBOUNDED_LIST_ITEMS * (1 + childComplexity);
};

/**
 * The cost of an operation (HTTP and graphql-ws compute it the same way), or QUERY_TOO_COMPLEX when it
 * is above `max`. Variables are taken into account (a `limit` passed as a variable counts).
 */
export function costError(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined, max: number): GraphQLError | undefined {
  let cost: number;
  try {
    cost = getComplexity({
      schema, query: document, variables: variables ?? {}, operationName: operationName ?? undefined,
      estimators: [fieldExtensionsEstimator(), listEstimator, simpleEstimator({ defaultComplexity: 1 })],
    });
  } catch {
    return undefined; // an invalid document or bad variables: validation and execution say why
  }
  if (cost <= max) return undefined;
  return new GraphQLError(`Query costs ${cost}; the limit is ${max} (lists cost their \`limit\`, reports and live figures cost more)`, {
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, cost, limit: max, http: { status: 400 } },
  });
}
