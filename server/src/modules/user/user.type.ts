import { Field, Int, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Role } from '../../auth/actor.js';

registerEnumType(Role, { name: 'Role', description: 'ADMIN and SUPERVISOR manage campaigns; AGENT takes calls' });

@ObjectType()
export class User {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  email!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => ID, { nullable: true, description: 'Agent profile, when this user also takes calls' })
  agentId!: string | null;

  @Field(() => Boolean, { description: 'Disabled by an admin: cannot sign in, every session ended' })
  disabled!: boolean;
}

@ObjectType({ description: 'The acting user and organisation' })
export class Viewer {
  @Field(() => User)
  user!: User;

  @Field(() => ID)
  organizationId!: string;

  @Field(() => String)
  organizationName!: string;

  @Field(() => String, { description: "The contact centre's IANA zone: the wallboard's \"today\" is its local day" })
  organizationTimeZone!: string;

  @Field(() => Date, { description: "The call centre's time now: the wall's, unless the server's clock is sped up (timeScale). Screens count elapsed times and countdowns from it" })
  now!: Date;

  @Field(() => Int, { description: 'How many times faster than the wall the call centre\'s clock runs: 1, or SIM_TIME_SCALE on a demo with the call simulator (the wallboard shows "time ×N")' })
  timeScale!: number;
}

@ObjectType({ description: 'A signed-in session: send the token as `Authorization: Bearer <token>` (graphql-ws: connection params `{ token }`)' })
export class Session {
  @Field(() => String)
  token!: string;

  @Field(() => Date)
  expiresAt!: Date;

  @Field(() => User)
  user!: User;
}
