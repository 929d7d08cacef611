import {
  GraphQLError,
  Kind,
  type ASTVisitor,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
} from 'graphql';
import { ErrorCode } from '../domain/errors.js';

/**
 * Validation rule refusing selection sets nested deeper than `maxDepth` (fragments followed,
 * introspection included), so one request cannot fan out through nested lists.
 */
export function depthLimitRule(maxDepth: number) {
  return (context: ValidationContext): ASTVisitor => {
    const fragments = new Map<string, FragmentDefinitionNode>();
    for (const def of context.getDocument().definitions) {
      if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
    }
    const depthOf = (set: SelectionSetNode | undefined, depth: number, seen: Set<string>): number => {
      if (!set) return depth;
      let max = depth;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) {
          max = Math.max(max, sel.selectionSet ? depthOf(sel.selectionSet, depth + 1, seen) : depth);
        } else if (sel.kind === Kind.INLINE_FRAGMENT) {
          max = Math.max(max, depthOf(sel.selectionSet, depth, seen));
        } else {
          const name = sel.name.value;
          if (seen.has(name)) continue;
          const frag = fragments.get(name);
          max = Math.max(max, depthOf(frag?.selectionSet, depth, new Set([...seen, name])));
        }
        if (max > maxDepth) return max;
      }
      return max;
    };
    return {
      OperationDefinition(node) {
        const depth = depthOf(node.selectionSet, 1, new Set());
        if (depth > maxDepth) {
          context.reportError(
            new GraphQLError(`Query is ${depth} levels deep; the limit is ${maxDepth}`, {
              nodes: [node],
              extensions: { code: ErrorCode.QUERY_TOO_COMPLEX },
            }),
          );
        }
      },
    };
  };
}

/** A document longer than `maxLength` characters, refused before it is parsed (HTTP and WebSocket). */
export function queryLengthError(query: unknown, maxLength: number): GraphQLError | undefined {
  const length = typeof query === 'string' ? query.length : 0;
  if (length <= maxLength) return undefined;
  return new GraphQLError(`Query is ${length} characters; the limit is ${maxLength}`, {
    extensions: { code: ErrorCode.QUERY_TOO_COMPLEX },
  });
}
