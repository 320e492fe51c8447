export { ZohoApiError, ZohoNetworkError, ZohoOAuthError } from './zoho-errors.js';
export { ZOHO_REGIONS, ZOHO_SCOPES, isZohoRegion, type ZohoRegion } from './zoho-regions.js';
export { ZohoOAuthClient, type ZohoClientCredentials, type ZohoTokenSet, type AuthorizeUrlParams } from './zoho-oauth.client.js';
export { ZOHO_EDITIONS, COMPLEX_CONCURRENCY, PROFESSIONAL_MODULES, isZohoEdition, parseEdition, editionConcurrency, editionDailyCredits, editionAllowsModule, type ZohoEdition } from './zoho-editions.js';
export { ZohoBudget, ZohoBudgetExhaustedError, type ZohoBudgetLimits, type ZohoBudgetUsage } from './zoho-budget.js';
export { ZohoCrmClient, type ZohoAccess, type ZohoTokenProvider, type ZohoExchange, type ZohoCrmClientOptions, type ZohoRequest, type ZohoResponse, type ZohoRetryOptions } from './zoho-crm.client.js';
export { ZohoRecordsApi, WRITE_BATCH, zohoDateTime, type ZohoRecord, type ZohoRecordResult, type ListOptions, type UpsertOptions } from './zoho-records.api.js';
export { ZohoWatchApi, type WatchChannelSpec, type WatchChannelInfo } from './zoho-watch.api.js';
export { fetchOrg, type ZohoOrgInfo } from './zoho-org.api.js';
