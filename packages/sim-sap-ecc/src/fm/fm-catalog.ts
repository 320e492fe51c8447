import { bapiAccDocumentPost } from './bapi-acc-document.fm.js';
import { bapiCustomerGetDetail2, bapiCustomerGetList, bapiVendorGetDetail } from './bapi-partner.fm.js';
import { bapiPoGetDetail1, bapiTransactionCommit, bapiTransactionRollback } from './bapi-po-detail.fm.js';
import { bapiPoCreate1 } from './bapi-po.fm.js';
import { FmRegistry } from './fm-registry.js';
import { str, type FunctionModule } from './fm-types.js';
import { bbpRfcReadTable, rfcReadTable, wideReadTable } from './rfc-read-table.fm.js';
import { vendorMaintain } from './vendor-maintain.fm.js';

export const WIDE_READ_FM = '/BODS/RFC_READ_TABLE2';

const rfcPing: FunctionModule = { name: 'RFC_PING', signature: {}, run: () => ({}) };

const stfcConnection: FunctionModule = {
  name: 'STFC_CONNECTION',
  signature: { REQUTEXT: { dir: 'I' }, ECHOTEXT: { dir: 'E' }, RESPTEXT: { dir: 'E' } },
  run: (ctx, params) => ({
    ECHOTEXT: str(params.REQUTEXT),
    RESPTEXT: `SAP R/3 Rel. 731   Sysid: ${ctx.logicalSystem.slice(0, 3)}      Date: ${ctx.db.clock.date()}   Time: ${ctx.db.clock.time()}`,
  }),
};

export interface CatalogOptions {
  vendorFm: string;
  wideRead: boolean;
}

/** The function modules this system has; a missing one answers FU_NOT_FOUND as a real system does. */
export function buildCatalog(options: CatalogOptions): FmRegistry {
  const registry = new FmRegistry();
  const modules = [
    rfcPing, stfcConnection, rfcReadTable, bbpRfcReadTable, bapiCustomerGetList, bapiCustomerGetDetail2, bapiVendorGetDetail,
    bapiPoCreate1, bapiPoGetDetail1, bapiTransactionCommit, bapiTransactionRollback, bapiAccDocumentPost,
    vendorMaintain(options.vendorFm),
  ];
  if (options.wideRead) modules.push(wideReadTable(WIDE_READ_FM));
  for (const fm of modules) registry.register(fm);
  return registry;
}
