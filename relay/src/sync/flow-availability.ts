import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { editionAllowsModule, isZohoEdition } from '@mlc/zoho';
import { ZohoConnectionEntity } from '../zoho/entities/zoho-connection.entity.js';
import { FLOWS, type FlowKey } from './flow-keys.js';

export interface Availability {
  available: boolean;
  /** Why not, in words for the operator; null when available. */
  reason: string | null;
}

/**
 * Whether the tenant's Zoho edition has the modules a flow needs (Sales Orders, Purchase Orders,
 * Invoices and Vendors are Professional and above). Without a Zoho connection nothing is ruled out:
 * the flow's own run says what is missing.
 */
@Injectable()
export class FlowAvailability {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  async forTenant(tenantId: string): Promise<(key: FlowKey) => Availability> {
    const connection = await this.db.getRepository(ZohoConnectionEntity).findOneBy({ tenantId });
    const edition = connection?.edition;
    return (key) => {
      if (!edition || !isZohoEdition(edition)) return { available: true, reason: null };
      const missing = (FLOWS[key].zohoModules ?? []).filter((module) => !editionAllowsModule(edition, module));
      if (missing.length === 0) return { available: true, reason: null };
      const label = edition.charAt(0).toUpperCase() + edition.slice(1);
      return { available: false, reason: `needs the Zoho ${missing.join(', ')} module${missing.length > 1 ? 's' : ''}, which the ${label} edition does not have (Professional and above)` };
    };
  }

  async of(tenantId: string, key: FlowKey): Promise<Availability> {
    return (await this.forTenant(tenantId))(key);
  }
}
