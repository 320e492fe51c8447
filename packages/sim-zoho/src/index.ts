export { SimZohoServer, startSimZoho, type SimZohoOptions, type SimZohoState } from './sim-zoho.server.js';
export { defaultSettings, type SimZohoSettings } from './sim-settings.js';
export { SimClock, zohoDateTime, parseZohoDateTime } from './sim-clock.js';
export { DATA_CENTRES, dataCentreUrls, type DataCentre, type DataCentreUrls } from './data-centres.js';
export { EDITIONS, SUB_CONCURRENCY, dailyCredits, editionLimits, type Edition } from './editions.js';
export type { OAuthClient } from './oauth.store.js';
export type { FieldDef, FieldType } from './record-modules.js';
export type { CallEntry, CallbackEntry, TokenCallEntry } from './call-log.js';
export { validateAgainstZohoOas, validateRequestAgainstZohoOas, zohoOasDir, ZohoOasNotFoundError, type OasValidation } from './oas-validator.js';
