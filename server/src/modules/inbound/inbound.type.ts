import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'What an inbound call event did' })
export class InboundCallResult {
  @Field(() => ID)
  id!: string;

  @Field(() => Boolean, { description: 'The session id was reported before: nothing changed, this is what it did then' })
  duplicate!: boolean;

  @Field(() => [ID], { description: 'Campaigns the caller was added to' })
  addedTo!: string[];

  @Field(() => [ID], { description: 'Campaigns where the caller was already pending: the drop was recorded on that number' })
  dropRecordedIn!: string[];

  @Field(() => [ID], { description: 'Campaigns whose pending attempts to the caller were cancelled (an answered call)' })
  cancelledIn!: string[];
}
