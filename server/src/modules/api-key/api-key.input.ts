import { ArrayMaxSize, ArrayMinSize, Length } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { ApiKeyScope } from '../../auth/api-key.js';
import './api-key.type.js'; // registers the ApiKeyScope enum

@InputType()
export class CreateApiKeyInput {
  @Field(() => String, { description: 'What it is for, e.g. "CRM sync" (1-100 characters)' })
  @Length(1, 100)
  name!: string;

  @Field(() => [ApiKeyScope])
  @ArrayMinSize(1)
  @ArrayMaxSize(20)
  scopes!: ApiKeyScope[];
}
