import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { UserEntity } from '../../entities/index.js';
import type { GraphQLContext } from '../../graphql/context.js';
import { CreateUserInput } from './user.input.js';
import type { UserService } from './user.service.js';
import { User, Viewer } from './user.type.js';

function toUser(e: UserEntity, agentId: string | null = null): User {
  return { id: e.id, name: e.name, email: e.email, role: e.role, agentId };
}

@Resolver()
export class UserResolver {
  constructor(private readonly usersService: UserService) {}

  @Query(() => Viewer, { description: 'Who the request acts as' })
  async me(@Ctx() ctx: GraphQLContext): Promise<Viewer> {
    const v = await this.usersService.viewer(ctx);
    return { user: toUser(v.user, v.agentId), organizationId: v.org.id, organizationName: v.org.name };
  }

  @Query(() => [User])
  async users(@Ctx() ctx: GraphQLContext): Promise<User[]> {
    return (await this.usersService.users(ctx)).map((u) => toUser(u));
  }

  @Mutation(() => User, { description: 'Admins only' })
  async createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: GraphQLContext): Promise<User> {
    return toUser(await this.usersService.create(ctx, input));
  }
}
