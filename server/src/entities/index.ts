import { AgentEntity, AgentGroupEntity } from './agent.entity.js';
import { CallLegEntity, SuppressionEntity } from './call-leg.entity.js';
import { CampaignNumberEntity, CampaignStateCountEntity } from './campaign-number.entity.js';
import { CampaignEntity } from './campaign.entity.js';
import { ContactEntity, ContactListEntity, PhoneNumberEntity } from './contact.entity.js';
import { InboundCallEntity, OrganizationEntity } from './organization.entity.js';
import { UserEntity } from './user.entity.js';

export * from './agent.entity.js';
export * from './call-leg.entity.js';
export * from './campaign-number.entity.js';
export * from './campaign.entity.js';
export * from './contact.entity.js';
export * from './organization.entity.js';
export * from './user.entity.js';

/** Every entity, listed explicitly (no folder scanning, so dist and tsx behave the same). */
export const ENTITIES = [
  OrganizationEntity,
  UserEntity,
  AgentEntity,
  AgentGroupEntity,
  ContactEntity,
  PhoneNumberEntity,
  ContactListEntity,
  CampaignEntity,
  CampaignNumberEntity,
  CampaignStateCountEntity,
  CallLegEntity,
  SuppressionEntity,
  InboundCallEntity,
];
