import type { ZohoCrmClient } from './zoho-crm.client.js';
import { parseEdition, type ZohoEdition } from './zoho-editions.js';

export interface ZohoOrgInfo {
  readonly id: string;
  readonly edition: ZohoEdition;
  readonly users: number;
}

/** GET /crm/v8/org: the edition decides limits and which modules exist. */
export async function fetchOrg(client: ZohoCrmClient): Promise<ZohoOrgInfo> {
  const response = await client.request({ method: 'GET', path: '/crm/v8/org', credits: 1, complex: false });
  const org = ((response.body as { org?: Array<Record<string, unknown>> }).org ?? [])[0] ?? {};
  const license = (org['license_details'] ?? {}) as Record<string, unknown>;
  const users = typeof license['users_license_purchased'] === 'number' ? license['users_license_purchased'] : 1;
  return { id: String(org['id'] ?? ''), edition: parseEdition(typeof license['paid_type'] === 'string' ? license['paid_type'] : undefined), users };
}
