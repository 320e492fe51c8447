import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { DomainError } from '../common/domain-error.js';
import { TenantEntity } from './tenant.entity.js';

const TENANT_NAME = /^[a-z0-9][a-z0-9-]{1,62}$/;

@Injectable()
export class TenantsService {
  constructor(@InjectRepository(TenantEntity) private readonly tenants: Repository<TenantEntity>) {}

  async create(name: string): Promise<TenantEntity> {
    if (!TENANT_NAME.test(name)) {
      throw new DomainError('INVALID_INPUT', `tenant name "${name}" must be 2-63 characters of a-z, 0-9 and "-", starting with a letter or digit`, { field: 'name' });
    }
    if (await this.tenants.existsBy({ name })) {
      throw new DomainError('CONFLICT', `a tenant named "${name}" already exists`, { field: 'name' });
    }
    return this.tenants.save(this.tenants.create({ name }));
  }

  /** By id or by name, so the CLI accepts either. */
  async resolve(idOrName: string): Promise<TenantEntity> {
    const byName = await this.tenants.findOneBy({ name: idOrName });
    if (byName) return byName;
    const byId = UUID.test(idOrName) ? await this.tenants.findOneBy({ id: idOrName }) : null;
    if (byId) return byId;
    throw new DomainError('NOT_FOUND', `no tenant "${idOrName}"`, { field: 'tenant' });
  }

  list(): Promise<TenantEntity[]> {
    return this.tenants.find({ order: { name: 'ASC' } });
  }
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
