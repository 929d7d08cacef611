import { IsEmail, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { Role } from '../../auth/actor.js';

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
}
