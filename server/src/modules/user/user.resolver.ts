import { Arg, Args, Ctx, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../graphql/context.js';
import { CreateUserInput, UpdateUserInput, OrganizationTimeZoneArgs, SetPasswordArgs, SignInArgs } from './user.input.js';
import { toSession, toUser } from './user.mapper.js';
import type { UserService } from './user.service.js';
import { Session, User, Viewer } from './user.type.js';

@Resolver()
export class UserResolver {
  constructor(private readonly usersService: UserService) {}

  @Query(() => Viewer, { description: 'Who the request acts as' })
  async me(@Ctx() ctx: GraphQLContext): Promise<Viewer> {
    const v = await this.usersService.viewer(ctx);
    return { user: toUser(v.user, v.agentId), organizationId: v.org.id, organizationName: v.org.name, organizationTimeZone: v.org.timeZone, now: v.now, timeScale: v.timeScale };
  }

  @Query(() => [User])
  async users(@Ctx() ctx: GraphQLContext): Promise<User[]> {
    return (await this.usersService.users(ctx)).map((u) => toUser(u.user, u.agentId));
  }

  @Mutation(() => User, { description: 'Admins: rename a user or change their role (not your own role)' })
  async updateUser(@Arg('id', () => ID) id: string, @Arg('input', () => UpdateUserInput) input: UpdateUserInput, @Ctx() ctx: GraphQLContext): Promise<User> {
    const u = await this.usersService.update(ctx, id, input);
    return toUser(u.user, u.agentId);
  }

  @Mutation(() => User, { description: 'Admins only' })
  async createUser(@Arg('input', () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: GraphQLContext): Promise<User> {
    return toUser(await this.usersService.create(ctx, input));
  }

  @Mutation(() => Session, { description: 'Needs no token. A wrong email or password is UNAUTHENTICATED (the same message for both)' })
  async signIn(@Args(() => SignInArgs) args: SignInArgs, @Ctx() ctx: GraphQLContext): Promise<Session> {
    return toSession(await this.usersService.signIn(ctx.em, args.email, args.password, ctx.request?.ip));
  }

  @Mutation(() => String, { description: "Admins: sets the contact centre's time zone (canonical IANA name returned); \"today\" on the wallboard is its local day" })
  setOrganizationTimeZone(@Args(() => OrganizationTimeZoneArgs) args: OrganizationTimeZoneArgs, @Ctx() ctx: GraphQLContext): Promise<string> {
    return this.usersService.setOrganizationTimeZone(ctx, args.timeZone);
  }

  @Mutation(() => Boolean, { description: 'Ends the session this request came with (its open sockets close within seconds)' })
  async signOut(@Ctx() ctx: GraphQLContext): Promise<boolean> {
    await this.usersService.signOut(ctx);
    return true;
  }

  @Mutation(() => Int, { description: "Ends every session of yours (userId omitted) or, for admins, of another user; returns how many ended" })
  signOutEverywhere(@Arg('userId', () => ID, { nullable: true }) userId: string | undefined, @Ctx() ctx: GraphQLContext): Promise<number> {
    return this.usersService.signOutEverywhere(ctx, userId ?? undefined);
  }

  @Mutation(() => User, { description: 'Admins: disable a user (sign-in refused, every session ended at once) or enable them again; not yourself' })
  async setUserDisabled(@Arg('userId', () => ID) userId: string, @Arg('disabled', () => Boolean) disabled: boolean, @Ctx() ctx: GraphQLContext): Promise<User> {
    const u = await this.usersService.setUserDisabled(ctx, userId, disabled);
    return toUser(u.user, u.agentId);
  }

  @Mutation(() => Boolean, { description: 'Sets your own password (userId omitted) or, for admins, another user\'s. Every session of that user ends: sign in again' })
  async setPassword(@Args(() => SetPasswordArgs) args: SetPasswordArgs, @Ctx() ctx: GraphQLContext): Promise<boolean> {
    await this.usersService.setPassword(ctx, args.userId, args.password);
    return true;
  }
}
