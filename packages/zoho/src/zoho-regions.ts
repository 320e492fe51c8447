/** Zoho data centres (API-FACTS "OAuth 2.0", zoho.com/accounts/protocol/oauth/multi-dc.html). */
export const ZOHO_REGIONS = {
  us: { accountsServer: 'https://accounts.zoho.com', apiDomain: 'https://www.zohoapis.com' },
  eu: { accountsServer: 'https://accounts.zoho.eu', apiDomain: 'https://www.zohoapis.eu' },
  in: { accountsServer: 'https://accounts.zoho.in', apiDomain: 'https://www.zohoapis.in' },
  au: { accountsServer: 'https://accounts.zoho.com.au', apiDomain: 'https://www.zohoapis.com.au' },
  jp: { accountsServer: 'https://accounts.zoho.jp', apiDomain: 'https://www.zohoapis.jp' },
  ca: { accountsServer: 'https://accounts.zohocloud.ca', apiDomain: 'https://www.zohoapis.ca' },
  sa: { accountsServer: 'https://accounts.zoho.sa', apiDomain: 'https://www.zohoapis.sa' },
  uk: { accountsServer: 'https://accounts.zoho.uk', apiDomain: 'https://www.zohoapis.uk' },
  cn: { accountsServer: 'https://accounts.zoho.com.cn', apiDomain: 'https://www.zohoapis.com.cn' },
} as const;

export type ZohoRegion = keyof typeof ZOHO_REGIONS;

export function isZohoRegion(value: string): value is ZohoRegion {
  return Object.hasOwn(ZOHO_REGIONS, value);
}

/** Scopes the relay asks for at connect time (API-FACTS). */
export const ZOHO_SCOPES = ['ZohoCRM.modules.ALL', 'ZohoCRM.notifications.ALL', 'ZohoCRM.bulk.ALL', 'ZohoCRM.settings.ALL', 'ZohoCRM.org.ALL', 'ZohoCRM.coql.READ'] as const;
