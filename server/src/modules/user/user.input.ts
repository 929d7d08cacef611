import { IsEmail, IsOptional, Length, MaxLength } from 'class-validator';
import { ArgsType, Field, ID, InputType } from 'type-graphql';
import { Role } from '../../auth/actor.js';

/** Password length accepted when one is set. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 200;

@InputType()
export class CreateUserInput {
  @Field(() => String)
  @Length(1, 200)
  name!: string;

  @Field(() => String)
  @IsEmail()
  email!: string;

  @Field(() => Role)
  role!: Role;

  @Field(() => String, { nullable: true, description: `${PASSWORD_MIN}-${PASSWORD_MAX} characters; without one the user cannot sign in` })
  @IsOptional()
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password?: string;
}

@InputType()
export class UpdateUserInput {
  @Field(() => String, { nullable: true })
  @IsOptional()
  @Length(1, 200)
  name?: string;

  @Field(() => Role, { nullable: true, description: 'Takes effect on the user\'s next request; not your own' })
  @IsOptional()
  role?: Role;
}

@ArgsType()
export class SetPasswordArgs {
  @Field(() => ID, { nullable: true, description: 'Omitted: the acting user. Only admins may set another user\'s' })
  @IsOptional()
  userId?: string;

  @Field(() => String, { description: `${PASSWORD_MIN}-${PASSWORD_MAX} characters` })
  @Length(PASSWORD_MIN, PASSWORD_MAX)
  password!: string;
}

@ArgsType()
export class SignInArgs {
  @Field(() => String)
  @MaxLength(320)
  email!: string;

  @Field(() => String)
  @MaxLength(PASSWORD_MAX)
  password!: string;
}

@ArgsType()
export class OrganizationTimeZoneArgs {
  @Field(() => String, { description: 'IANA zone, e.g. Asia/Kolkata' })
  @Length(1, 64)
  timeZone!: string;
}
