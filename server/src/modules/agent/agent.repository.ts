import type { EntityManager } from '@mikro-orm/postgresql';
import { AgentEntity, AgentGroupEntity } from '../../entities/index.js';

export class AgentRepository {
  constructor(private readonly em: EntityManager) {}

  findById(organizationId: string, id: string): Promise<AgentEntity | null> {
    return this.em.findOne(AgentEntity, { id, organization: organizationId });
  }

  findMany(organizationId: string, ids: string[]): Promise<AgentEntity[]> {
    return this.em.find(AgentEntity, { organization: organizationId, id: { $in: ids } });
  }

  findPage(organizationId: string, limit: number, offset: number) {
    return this.em.findAndCount(AgentEntity, { organization: organizationId }, { orderBy: { name: 'asc', id: 'asc' }, limit, offset });
  }

  findByPhone(organizationId: string, phone: string): Promise<AgentEntity | null> {
    return this.em.findOne(AgentEntity, { organization: organizationId, phone });
  }

  findGroup(organizationId: string, id: string): Promise<AgentGroupEntity | null> {
    return this.em.findOne(AgentGroupEntity, { id, organization: organizationId }, { populate: ['members'] });
  }

  findGroupByName(organizationId: string, name: string): Promise<AgentGroupEntity | null> {
    return this.em.findOne(AgentGroupEntity, { name, organization: organizationId });
  }

  findGroups(organizationId: string, limit: number, offset: number): Promise<AgentGroupEntity[]> {
    return this.em.find(AgentGroupEntity, { organization: organizationId }, { populate: ['members'], orderBy: { name: 'asc' }, limit, offset });
  }
}
