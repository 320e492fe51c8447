import { coerce, fieldOf } from '../ddic/ddic.js';
import type { RfcObject, RfcStructure } from '../protocol/messages.js';
import type { EccDatabase } from '../store/ecc-database.js';
import type { Row } from '../store/table-store.js';
import { bapiret2, hasError, type BapiMessage } from './bapi-return.js';
import { rows, str, struct, type FmContext, type FunctionModule } from './fm-types.js';
import { poMessage } from './po-messages.js';
import { poSignature } from './po-signature.js';

const DOC_TYPES = new Set(['NB', 'FO', 'UB']);

/** BAPI fields adopted only where the X structure flags them, as BAPI_PO_CREATE1 does. */
function adopted(data: RfcStructure, flags: RfcStructure, names: string[]): Record<string, string> {
  return Object.fromEntries(names.map((n) => [n, str(flags[n]).trim() === 'X' ? str(data[n]).trim() : '']));
}

const HEADER_FIELDS = ['COMP_CODE', 'DOC_TYPE', 'VENDOR', 'PURCH_ORG', 'PUR_GROUP', 'CURRENCY', 'DOC_DATE', 'REF_1', 'OUR_REF', 'PMNTTRMS', 'SALES_PERS', 'LANGU'];
const ITEM_FIELDS = ['MATERIAL', 'PLANT', 'STGE_LOC', 'QUANTITY', 'PO_UNIT', 'NET_PRICE', 'PRICE_UNIT', 'SHORT_TEXT', 'MATL_GROUP'];

interface PlannedPo {
  ekko: Row;
  ekpo: Row[];
  eket: Row[];
}

/**
 * The RFC user's date format (USR01-DATFM 1). BAPIMEPOSCHEDULE-DELIVERY_DATE is CHAR 10 in the
 * user's external format, so an internal YYYYMMDD date is refused, as on a real system.
 */
const USER_DATE_FORMAT = 'DD.MM.YYYY';

function internalDate(external: string): string | undefined {
  const m = /^(\d{2})\.(\d{2})\.(\d{4})$/.exec(external);
  if (!m) return undefined;
  const iso = `${m[3]}-${m[2]}-${m[1]}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : `${m[3]}${m[2]}${m[1]}`;
}

function planSchedule(params: RfcObject, itemNo: string, row: number, quantity: number, msgs: BapiMessage[]): Row | undefined {
  const same = (r: RfcStructure): boolean => Number(str(r.PO_ITEM)) === Number(itemNo);
  const line = rows(params.POSCHEDULE).find(same);
  const flags = rows(params.POSCHEDULEX).find(same);
  const s = line && flags ? adopted(line, flags, ['DELIVERY_DATE', 'QUANTITY']) : { DELIVERY_DATE: '', QUANTITY: '' };
  if (!s.DELIVERY_DATE) {
    msgs.push(poMessage('enter', [`Delivery date (item ${itemNo})`], { parameter: 'POSCHEDULE', row, field: 'DELIVERY_DATE' }));
    return undefined;
  }
  const eindt = internalDate(s.DELIVERY_DATE);
  if (!eindt) {
    msgs.push(poMessage('dateFormat', [USER_DATE_FORMAT, itemNo], { parameter: 'POSCHEDULE', row, field: 'DELIVERY_DATE' }));
    return undefined;
  }
  return { EBELP: itemNo, ETENR: '0001', EINDT: eindt, SLFDT: eindt, MENGE: (Number(s.QUANTITY) || quantity).toFixed(3) };
}

function ekkoField(db: EccDatabase, name: string, value: string): string {
  const f = fieldOf(db.mustTable('EKKO').def, name);
  return f ? coerce(f, value) : value;
}

function validateHeader(db: EccDatabase, h: Record<string, string>, msgs: BapiMessage[]): void {
  const required: Array<[string, string]> = [['COMP_CODE', 'Company Code'], ['DOC_TYPE', 'Purchasing Document Type'], ['VENDOR', 'Vendor'], ['PURCH_ORG', 'Purchasing Organization'], ['PUR_GROUP', 'Purchasing Group']];
  for (const [field, text] of required) {
    if (!h[field]) msgs.push(poMessage('enter', [text], { parameter: 'POHEADER', field }));
  }
  if (h.COMP_CODE && !db.get('T001', { BUKRS: h.COMP_CODE })) msgs.push(poMessage('companyCode', [h.COMP_CODE], { parameter: 'POHEADER', field: 'COMP_CODE' }));
  if (h.DOC_TYPE && !DOC_TYPES.has(h.DOC_TYPE)) msgs.push(poMessage('docType', [h.DOC_TYPE], { parameter: 'POHEADER', field: 'DOC_TYPE' }));
  if (!h.VENDOR) return;
  const lfa1 = db.get('LFA1', { LIFNR: h.VENDOR });
  if (!lfa1) {
    msgs.push(poMessage('vendorMissing', [h.VENDOR], { parameter: 'POHEADER', field: 'VENDOR' }));
    return;
  }
  const lfm1 = h.PURCH_ORG ? db.get('LFM1', { LIFNR: h.VENDOR, EKORG: h.PURCH_ORG }) : undefined;
  if (h.PURCH_ORG && !lfm1) msgs.push(poMessage('vendorNoPorg', [h.VENDOR, h.PURCH_ORG], { parameter: 'POHEADER', field: 'VENDOR' }));
  if (lfa1.SPERM === 'X' || lfm1?.SPERM === 'X') msgs.push(poMessage('vendorBlocked', [h.VENDOR], { parameter: 'POHEADER', field: 'VENDOR' }));
}

function planItems(db: EccDatabase, params: RfcObject, header: Record<string, string>, msgs: BapiMessage[]): { ekpo: Row[]; eket: Row[] } {
  const items = rows(params.POITEM);
  const flags = rows(params.POITEMX);
  if (items.length === 0) msgs.push(poMessage('noItems', [], { parameter: 'POITEM' }));
  const ekpo: Row[] = [];
  const eket: Row[] = [];
  items.forEach((item, index) => {
    const itemNo = coerce({ name: 'EBELP', type: 'N', length: 5, decimals: 0, text: '', key: true }, str(item.PO_ITEM));
    const row = index + 1;
    const x = flags.find((f) => Number(str(f.PO_ITEM)) === Number(itemNo));
    if (!x) {
      msgs.push(poMessage('noItemX', [itemNo], { parameter: 'POITEMX', row }));
      return;
    }
    const it = adopted(item, x, ITEM_FIELDS);
    const before = msgs.length;
    const mara = it.MATERIAL ? db.get('MARA', { MATNR: it.MATERIAL }) : undefined;
    if (!it.MATERIAL) msgs.push(poMessage('enter', ['Material'], { parameter: 'POITEM', row, field: 'MATERIAL' }));
    else if (!mara) msgs.push(poMessage('material', [it.MATERIAL], { parameter: 'POITEM', row, field: 'MATERIAL' }));
    if (!it.PLANT) msgs.push(poMessage('enter', ['Plant'], { parameter: 'POITEM', row, field: 'PLANT' }));
    else if (!db.get('T001W', { WERKS: it.PLANT })) msgs.push(poMessage('plant', [it.PLANT], { parameter: 'POITEM', row, field: 'PLANT' }));
    else if (mara && !db.get('MARC', { MATNR: it.MATERIAL, WERKS: it.PLANT })) msgs.push(poMessage('materialPlant', [it.MATERIAL, it.PLANT], { parameter: 'POITEM', row, field: 'PLANT' }));
    const quantity = Number(it.QUANTITY || 0);
    if (!(quantity > 0)) msgs.push(poMessage('quantity', [itemNo], { parameter: 'POITEM', row, field: 'QUANTITY' }));
    const price = Number(it.NET_PRICE || 0);
    if (!(price > 0)) msgs.push(poMessage('price', [itemNo], { parameter: 'POITEM', row, field: 'NET_PRICE' }));
    const schedule = planSchedule(params, itemNo, row, quantity, msgs);
    if (msgs.length > before || !schedule) {
      msgs.push(poMessage('itemFaulty', [itemNo], { parameter: 'POITEM', row }));
      return;
    }
    const priceUnit = Number(it.PRICE_UNIT || 1) || 1;
    ekpo.push({
      EBELP: itemNo, AEDAT: '', TXZ01: (it.SHORT_TEXT || mara?.MATNR || '').slice(0, 40), MATNR: it.MATERIAL,
      BUKRS: header.COMP_CODE, WERKS: it.PLANT, LGORT: it.STGE_LOC.slice(0, 4), MATKL: it.MATL_GROUP || mara?.MATKL || '',
      MENGE: quantity.toFixed(3), MEINS: it.PO_UNIT || mara?.MEINS || '', NETPR: price.toFixed(2), PEINH: String(priceUnit),
      NETWR: ((quantity * price) / priceUnit).toFixed(2),
    });
    eket.push(schedule);
  });
  return { ekpo, eket };
}

function plan(ctx: FmContext, params: RfcObject, msgs: BapiMessage[]): PlannedPo | undefined {
  const { db } = ctx;
  const h = adopted(struct(params.POHEADER), struct(params.POHEADERX), HEADER_FIELDS);
  validateHeader(db, h, msgs);
  const headerFaulty = hasError(msgs);
  if (headerFaulty) msgs.push(poMessage('headerFaulty', [], { parameter: 'POHEADER' }));
  const { ekpo, eket } = planItems(db, params, h, msgs);
  if (hasError(msgs)) return undefined;
  const lfm1 = db.get('LFM1', { LIFNR: h.VENDOR, EKORG: h.PURCH_ORG });
  const today = db.clock.date();
  const ekko: Row = {
    BUKRS: h.COMP_CODE, BSTYP: 'F', BSART: h.DOC_TYPE, STATU: '9', AEDAT: today, ERNAM: ctx.luw.user, LIFNR: h.VENDOR,
    SPRAS: h.LANGU || 'E', ZTERM: h.PMNTTRMS || lfm1?.ZTERM || '', EKORG: h.PURCH_ORG, EKGRP: h.PUR_GROUP,
    WAERS: h.CURRENCY || lfm1?.WAERS || 'EUR', BEDAT: h.DOC_DATE ? coerce({ name: 'BEDAT', type: 'D', length: 8, decimals: 0, text: '', key: false }, h.DOC_DATE) : today,
    IHREZ: ekkoField(db, 'IHREZ', h.REF_1), VERKF: ekkoField(db, 'VERKF', h.SALES_PERS), UNSEZ: ekkoField(db, 'UNSEZ', h.OUR_REF),
  };
  return { ekko, ekpo: ekpo.map((r) => ({ ...r, AEDAT: today })), eket };
}

export function poHeaderOut(ekko: Row): RfcStructure {
  return {
    PO_NUMBER: ekko.EBELN ?? '', COMP_CODE: ekko.BUKRS ?? '', DOC_TYPE: ekko.BSART ?? '', DELETE_IND: ekko.LOEKZ ?? '',
    STATUS: ekko.STATU ?? '', CREAT_DATE: ekko.AEDAT ?? '00000000', CREATED_BY: ekko.ERNAM ?? '', VENDOR: ekko.LIFNR ?? '',
    LANGU: ekko.SPRAS ?? '', PMNTTRMS: ekko.ZTERM ?? '', PURCH_ORG: ekko.EKORG ?? '', PUR_GROUP: ekko.EKGRP ?? '',
    CURRENCY: ekko.WAERS ?? '', DOC_DATE: ekko.BEDAT ?? '00000000', REF_1: ekko.IHREZ ?? '', SALES_PERS: ekko.VERKF ?? '',
    OUR_REF: ekko.UNSEZ ?? '',
  };
}

export const bapiPoCreate1: FunctionModule = {
  name: 'BAPI_PO_CREATE1',
  signature: poSignature('BAPI_PO_CREATE1'),
  run(ctx, params): RfcObject {
    const msgs: BapiMessage[] = [];
    const po = plan(ctx, params, msgs);
    const sys = ctx.logicalSystem;
    const fail = (): RfcObject => ({
      RETURN: [poMessage('noInstance', [''], { parameter: 'POHEADER' }), ...msgs].map((m) => bapiret2(m, sys)),
      EXPPURCHASEORDER: '',
    });
    if (!po) return fail();
    if (str(params.TESTRUN).trim() === 'X') return { RETURN: msgs.map((m) => bapiret2(m, sys)), EXPHEADER: poHeaderOut(po.ekko), EXPPURCHASEORDER: '' };
    const owner = { sessionId: ctx.luw.id, user: ctx.luw.user };
    const vendorLock = ctx.enqueue.lock(`LFA1 ${po.ekko.LIFNR}`, owner);
    if (vendorLock) {
      msgs.push(poMessage('locked', [vendorLock.user, 'vendor', po.ekko.LIFNR], { parameter: 'POHEADER', field: 'VENDOR' }));
      return fail();
    }
    const ebeln = ctx.db.next('EBELN');
    ctx.enqueue.lock(`EKKO ${ebeln}`, owner);
    const ekko = { ...po.ekko, EBELN: ebeln };
    ctx.luw.onCommit(() => {
      ctx.db.put('EKKO', ekko);
      for (const item of po.ekpo) ctx.db.put('EKPO', { ...item, EBELN: ebeln });
      for (const line of po.eket) ctx.db.put('EKET', { ...line, EBELN: ebeln });
    });
    msgs.push(poMessage('created', ['Standard PO', ebeln]));
    return { RETURN: msgs.map((m) => bapiret2(m, sys)), EXPPURCHASEORDER: ebeln, EXPHEADER: poHeaderOut(ekko) };
  },
};
