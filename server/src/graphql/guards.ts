import type { ApolloServerPlugin } from '@apollo/server';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { missingScope, rootFields } from '../auth/api-key.js';
import type { Actor } from '../auth/actor.js';
import { ANONYMOUS } from '../auth/credentials.js';
import { ErrorCode, forbidden } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { costError } from './cost.js';
import type { GraphQLContext } from './context.js';
import { toGraphQLError } from './errors.js';
import { EXPOSED_CODES } from './format-error.js';
import { depthLimitRule, queryLengthError } from './limits.js';

/** Distinct query texts whose parsed and validated document graphql-ws keeps. */
const PREPARED_MAX = 500;
/** Distinct variable sets whose cost is kept per document. */
const COSTS_PER_DOCUMENT_MAX = 200;

/** A query text parsed and validated: its document, or the errors to answer. */
export type Prepared = { document: DocumentNode } | { errors: readonly GraphQLError[] };

export interface GuardLimits {
  maxQueryLength: number;
  maxQueryDepth: number;
  maxQueryAliases: number;
  maxQueryTokens: number;
  maxQueryCost: number;
}

/**
 * Everything an operation must pass before it runs, the same for HTTP and graphql-ws:
 * - before parsing: length, and the token count while parsing (graphql-js stops at the limit);
 * - validation rules: depth, and aliases (graphql-armor's rule);
 * - after validation: cost (graphql-query-complexity: lists cost their `limit`) and, for API keys, scopes.
 * Every refusal is QUERY_TOO_COMPLEX or FORBIDDEN and costs milliseconds.
 */
export class OperationGuards {
  readonly validationRules: ((context: ValidationContext) => unknown)[];

  constructor(private readonly l: GuardLimits) {
    this.validationRules = [
      depthLimitRule(l.maxQueryDepth),
      maxAliasesRule({
        n: l.maxQueryAliases,
        propagateOnRejection: false,
        onReject: [(context, err) => (context as ValidationContext | null)?.reportError(tooComplex(err.message.replace(/^Syntax Error: /, '')))],
      }),
    ];
  }

  /** Parsed and validated documents by query text (graphql-ws): a wallboard's few operations are subscribed thousands of times. */
  private readonly prepared = new Map<string, Prepared>();
  /** Costs by document and variables (the same operation costs the same). */
  private readonly costs = new WeakMap<DocumentNode, Map<string, GraphQLError | undefined>>();

  /**
   * For graphql-ws: length, tokens, syntax and validation (the rules above with graphql's own), remembered by query
   * text for the last {@link PREPARED_MAX} distinct texts. The document, or the errors to answer.
   */
  prepare(schema: GraphQLSchema, query: unknown): Prepared {
    if (typeof query === 'string') {
      const known = this.prepared.get(query);
      if (known) return known;
    }
    const parsed = this.parseGuarded(query);
    if ('error' in parsed) return { errors: [parsed.error] };
    const errors = validate(schema, parsed.document, [...specifiedRules, ...(this.validationRules as ValidationRule[])]);
    const result: Prepared = errors.length ? { errors } : { document: parsed.document };
    if (this.prepared.size >= PREPARED_MAX) this.prepared.delete(this.prepared.keys().next().value!);
    this.prepared.set(query as string, result);
    return result;
  }

  /** Length and tokens, before any other work; the parsed document when it passes (a syntax error is left to the parser's usual report). */
  precheck(query: unknown): { error: GraphQLError } | { document: DocumentNode | undefined } {
    const parsed = this.parseGuarded(query);
    return 'syntax' in parsed ? { document: undefined } : parsed;
  }

  /** Length, then parsing within the token limit: the document, a limit's error, or the parser's own error. */
  private parseGuarded(query: unknown): { error: GraphQLError; syntax?: true } | { document: DocumentNode } {
    const tooLong = queryLengthError(query, this.l.maxQueryLength);
    if (tooLong) return { error: tooLong };
    if (typeof query !== 'string') return { error: new GraphQLError('The query must be a string'), syntax: true };
    try {
      return { document: parse(query, { maxTokens: this.l.maxQueryTokens }) };
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      if (/tokens\. Parsing aborted/.test(err.message)) return { error: tooComplex(`Query has more than ${this.l.maxQueryTokens} tokens`) };
      return { error: err, syntax: true };
    }
  }

  /** Cost, then an API key's scopes. */
  check(schema: GraphQLSchema, actor: Actor, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined): GraphQLError | undefined {
    const tooCostly = this.cost(schema, document, variables, operationName);
    if (tooCostly) return tooCostly;
    if (actor === ANONYMOUS || !actor.apiKey) return undefined;
    const fields = rootFields(document, operationName);
    const missing = fields && missingScope(fields, actor.apiKey.scopes);
    if (!missing) return undefined;
    return toGraphQLError(forbidden(missing.needs ? `call ${missing.field} with an API key lacking the ${missing.needs} scope` : `call ${missing.field} with an API key (people only)`), { status: 403 });
  }

  private cost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName: string | null | undefined): GraphQLError | undefined {
    let byVariables = this.costs.get(document);
    if (!byVariables) this.costs.set(document, (byVariables = new Map()));
    const key = `${operationName ?? ''}|${JSON.stringify(variables ?? {})}`;
    if (byVariables.has(key)) return byVariables.get(key);
    const error = costError(schema, document, variables, operationName, this.l.maxQueryCost);
    if (byVariables.size >= COSTS_PER_DOCUMENT_MAX) byVariables.delete(byVariables.keys().next().value!);
    byVariables.set(key, error);
    return error;
  }

  /**
   * The Apollo plugin: guards each operation once it is resolved, stamps the request id on every error
   * answered, and logs unexpected errors with that id (the client sees only a generic message).
   */
  plugin(schema: GraphQLSchema, log: Logger): ApolloServerPlugin<GraphQLContext> {
    return {
      requestDidStart: async () => ({
        didResolveOperation: async ({ contextValue, document, request }) => {
          const denied = this.check(schema, contextValue.actor, document, request.variables, request.operationName);
          if (denied) throw denied;
        },
        didEncounterErrors: async ({ errors, contextValue }) => {
          const unexpected = errors.filter((e) => !EXPOSED_CODES.has(String(e.extensions?.code ?? '')) && !e.extensions?.validationErrors && !hasValidation(e));
          for (const e of unexpected) log.error({ err: e.originalError ?? e, requestId: contextValue.request?.id, path: e.path }, 'unexpected error in resolver');
        },
        willSendResponse: async ({ response, contextValue }) => {
          const id = contextValue.request?.id;
          if (id && response.body.kind === 'single' && response.body.singleResult.errors) {
            response.body.singleResult.errors = response.body.singleResult.errors.map((e) => ({ ...e, extensions: { ...e.extensions, requestId: id } }));
          }
        },
      }),
    };
  }
}

function hasValidation(e: GraphQLError): boolean {
  const original = e.originalError as { extensions?: Record<string, unknown> } | undefined;
  return Array.isArray(original?.extensions?.validationErrors);
}

function tooComplex(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX } });
}
