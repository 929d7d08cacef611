import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { CreateApiKeyInput } from './api-key.input.js';
import { toApiKey } from './api-key.mapper.js';
import type { ApiKeyService } from './api-key.service.js';
import { ApiKey, CreatedApiKey } from './api-key.type.js';

@Resolver()
export class ApiKeyResolver {
  constructor(private readonly keys: ApiKeyService) {}

  @Query(() => [ApiKey], { description: "The organisation's API keys, live first (admins and supervisors)" })
  async apiKeys(@Ctx() ctx: GraphQLContext): Promise<ApiKey[]> {
    return (await this.keys.list(ctx)).map(toApiKey);
  }

  @Mutation(() => CreatedApiKey, { description: 'Creates an API key with scopes (admins and supervisors); the key is in the answer and nowhere else' })
  async createApiKey(@Arg('input', () => CreateApiKeyInput) input: CreateApiKeyInput, @Ctx() ctx: GraphQLContext): Promise<CreatedApiKey> {
    const { key, row } = await this.keys.create(ctx, input.name, input.scopes);
    return { key, apiKey: toApiKey(row) };
  }

  @Mutation(() => ApiKey, { description: 'Revokes an API key: refused from its next request, its open sockets closed within seconds' })
  async revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: GraphQLContext): Promise<ApiKey> {
    return toApiKey(await this.keys.revoke(ctx, id));
  }
}
