import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { ApiKeyScope } from '../../auth/api-key.js';

registerEnumType(ApiKeyScope, {
  name: 'ApiKeyScope',
  description: 'What an API key may do (campaigns:read, contacts:write, ...); a key acts only within its scopes and organisation',
  valuesConfig: {
    CAMPAIGNS_READ: { description: 'campaigns:read: campaigns, their numbers, live figures, call lists, agents and groups' },
    CAMPAIGNS_WRITE: { description: 'campaigns:write: create campaigns, pause, resume, complete, archive, edit their rules, settle interrupted calls' },
    CONTACTS_READ: { description: 'contacts:read: the contact directory and lists' },
    CONTACTS_WRITE: { description: 'contacts:write: create, import and edit contacts and lists' },
    SUPPRESSIONS_WRITE: { description: 'suppressions:write: read and change the suppression (DND) list' },
    STATS_SUBSCRIBE: { description: 'stats:subscribe: the live subscriptions of campaign figures and changes' },
    REPORTS_READ: { description: 'reports:read: campaign reports (CSV)' },
    INBOUND_WRITE: { description: 'inbound:write: report inbound call events (missed calls feed campaigns by their rules)' },
    WEBHOOKS_WRITE: { description: 'webhooks:write: webhook subscriptions, campaign signing secrets, the delivery log and replays' },
  },
});

@ObjectType({ description: 'An integrator API key (the secret itself is shown only once, when it is created)' })
export class ApiKey {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => String, { description: 'The first characters of the key, to recognise it by' }) prefix!: string;
  @Field(() => [ApiKeyScope]) scopes!: ApiKeyScope[];
  @Field(() => String, { nullable: true, description: 'Who created it' }) createdBy!: string | null;
  @Field(() => Date) createdAt!: Date;
  @Field(() => Date, { nullable: true }) lastUsedAt!: Date | null;
  @Field(() => Date, { nullable: true }) revokedAt!: Date | null;
}

@ObjectType()
export class CreatedApiKey {
  @Field(() => String, { description: 'The key: send it as "Authorization: Bearer <key>". Shown only now; only its hash is kept' }) key!: string;
  @Field(() => ApiKey) apiKey!: ApiKey;
}
