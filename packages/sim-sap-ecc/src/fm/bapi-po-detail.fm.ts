import type { RfcObject } from '../protocol/messages.js';
import { bapiret2, BAPIRET2_FIELDS } from './bapi-return.js';
import { fields, str, type FunctionModule } from './fm-types.js';
import { poHeaderOut } from './bapi-po.fm.js';
import { poMessage } from './po-messages.js';
import { poSignature } from './po-signature.js';

/** How long the asynchronous update task takes after a COMMIT WORK without WAIT. */
export const ASYNC_UPDATE_MS = 300;

/** YYYYMMDD in the RFC user's external format (DD.MM.YYYY). */
function externalDate(internal: string): string {
  return /^\d{8}$/.test(internal) ? `${internal.slice(6, 8)}.${internal.slice(4, 6)}.${internal.slice(0, 4)}` : '';
}

/** Reads committed purchase orders only: another session's uncommitted PO does not exist yet. */
export const bapiPoGetDetail1: FunctionModule = {
  name: 'BAPI_PO_GETDETAIL1',
  signature: poSignature('BAPI_PO_GETDETAIL1'),
  run(ctx, params): RfcObject {
    const ebeln = str(params.PURCHASEORDER).trim();
    const ekko = ebeln ? ctx.db.get('EKKO', { EBELN: ebeln }) : undefined;
    if (!ekko) {
      return { RETURN: [bapiret2(poMessage('poMissing', [ebeln], { parameter: 'PURCHASEORDER' }), ctx.logicalSystem)] };
    }
    const items = [...ctx.db.mustTable('EKPO').scan()].filter((r) => r.EBELN === ebeln).sort((a, b) => (a.EBELP < b.EBELP ? -1 : 1));
    return {
      POHEADER: poHeaderOut(ekko),
      POITEM: items.map((r) => ({
        PO_ITEM: r.EBELP, DELETE_IND: r.LOEKZ ?? '', SHORT_TEXT: r.TXZ01 ?? '', MATERIAL: r.MATNR ?? '', PLANT: r.WERKS ?? '',
        STGE_LOC: r.LGORT ?? '', MATL_GROUP: r.MATKL ?? '', QUANTITY: r.MENGE ?? '0.000', PO_UNIT: r.MEINS ?? '',
        NET_PRICE: r.NETPR ?? '0.00', PRICE_UNIT: r.PEINH ?? '1',
      })),
      POSCHEDULE: [...ctx.db.mustTable('EKET').scan()].filter((r) => r.EBELN === ebeln).map((r) => ({
        PO_ITEM: r.EBELP, SCHED_LINE: r.ETENR, DEL_DATCAT_EXT: 'D', DELIVERY_DATE: externalDate(r.EINDT ?? ''), QUANTITY: r.MENGE ?? '0.000',
        STAT_DATE: r.SLFDT ?? '00000000',
      })),
      RETURN: [],
    };
  },
};

export const bapiTransactionCommit: FunctionModule = {
  name: 'BAPI_TRANSACTION_COMMIT',
  signature: { WAIT: { dir: 'I' }, RETURN: { dir: 'E', fields: fields(BAPIRET2_FIELDS) } },
  run(ctx, params): RfcObject {
    ctx.luw.commit(str(params.WAIT).trim() === '' ? ASYNC_UPDATE_MS : 0);
    return {};
  },
};

export const bapiTransactionRollback: FunctionModule = {
  name: 'BAPI_TRANSACTION_ROLLBACK',
  signature: { RETURN: { dir: 'E', fields: fields(BAPIRET2_FIELDS) } },
  run(ctx) {
    ctx.luw.rollback();
    return {};
  },
};
