import type { ApiOperation } from './api-result.js';
import { zohoDateTime } from './sim-clock.js';
import type { SimContext } from './sim-context.js';

/** GET /crm/v8/org: the edition is what a client reads to learn which modules it may use. */
export function getOrg(ctx: SimContext): ApiOperation {
  return {
    credits: 1,
    complex: false,
    scope: { family: 'org' },
    run: () => {
      const edition = ctx.settings.edition;
      const paid = edition !== 'free';
      const org = {
        country: 'United States', photo_id: null, city: null, description: null, mc_status: false, gapps_enabled: false,
        translation_enabled: false, street: null, domain_name: `org-${ctx.settings.orgDc}-sim`, alias: null, currency: 'US Dollar - USD',
        id: '5725767000000000001', state: null, fax: null, zip: null, employee_count: '10', website: 'https://sim-zoho.test',
        currency_symbol: '$', mobile: null, currency_locale: 'en_US', primary_zuid: '700000001', zia_portal_id: null,
        time_zone: 'UTC', zgid: '700000002', country_code: 'US', deletable_org_account: false,
        license_details: {
          paid_expiry: zohoDateTime(ctx.clock.now() + 365 * 86_400_000), users_license_purchased: ctx.settings.users,
          trial_type: null, trial_expiry: null, paid, paid_type: edition, trial_action: '',
        },
        hierarchy_preferences: { type: 'Role_Hierarchy', strictly_reporting: false },
        phone: '+1 555 0100', company_name: 'Sim Zoho Org', privacy_settings: false, primary_email: 'admin@sim-zoho.test',
        iso_code: 'USD', hipaa_compliance_enabled: false, lite_users_enabled: false, max_per_page: 200, ezgid: 'sim',
        call_icon: '', oauth_presence: true, zia_zgid: 0, checkin_preferences: { restricted_event_types: null },
        type: 'Production', created_time: zohoDateTime(Date.UTC(2024, 0, 1)),
      };
      return { status: 200, body: { org: [org] } };
    },
  };
}
