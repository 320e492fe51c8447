import { ZohoConnectionEntity } from './entities/zoho-connection.entity.js';
import { ZohoEventEntity } from './entities/zoho-event.entity.js';
import { ZohoOAuthStateEntity } from './entities/zoho-oauth-state.entity.js';
import { ZohoRecordEntity } from './entities/zoho-record.entity.js';
import { ZohoWatchChannelEntity } from './entities/zoho-watch-channel.entity.js';

/** Registered in the data source (database/data-source.ts) and the module's forFeature. */
export const ZOHO_ENTITIES = [ZohoConnectionEntity, ZohoOAuthStateEntity, ZohoWatchChannelEntity, ZohoEventEntity, ZohoRecordEntity];
