import type { RfcObject, RfcStructure } from '../protocol/messages.js';
import type { Row } from '../store/table-store.js';
import { bapiret1, BAPIRET1_FIELDS, type BapiMessage } from './bapi-return.js';
import { fields, rows, str, type FunctionModule } from './fm-types.js';

/*
 * Customer and vendor read BAPIs. The export structures carry a subset of the real BAPI structure
 * fields (BAPICUSTOMER_04/_KNA1/_05, BAPIVENDOR_04/_05); F2 718 is modelled on the real message,
 * the "does not exist" numbers are plausible but unverified.
 */
const ADDRESS = fields('CUSTOMER NAME NAME_2 CITY POSTL_COD1 STREET COUNTRY REGION TELEPHONE LANGU SORT1');
const CUSTOMER_ADDRESS = fields('NAME NAME_2 CITY POSTL_COD1 STREET COUNTRY REGION TELEPHONE1 FAX_NUMBER LANGU SORT1 CURRENCY');
const CUSTOMER_GENERAL = fields('ACCNT_GRP CREATED_ON:D CREATED_BY VAT_REG_NO TAX_NO_1 ORDER_BLK POST_BLOCK DEL_FLAG INDUSTRY');
const CUSTOMER_COMPANY = fields('COMP_CODE RECON_ACCOUNT PMNTTRMS PAYMT_METH POST_BLOCK DEL_FLAG CREATED_ON:D CREATED_BY');
const VENDOR_GENERAL = fields('VENDOR NAME NAME_2 CITY POSTL_CODE STREET COUNTRY REGION TELEPHONE LANGU SORT1 VAT_REG_NO ACCNT_GRP');
const VENDOR_COMPANY = fields('VENDOR COMP_CODE RECON_ACCOUNT PMNTTRMS PAYMT_METH POST_BLOCK DEL_FLAG CREATED_ON:D CREATED_BY');

function message(type: BapiMessage['type'], id: string, number: string, text: string, v: string[] = []): RfcStructure {
  return bapiret1({ type, id, number, text, v });
}

function inRange(kunnr: string, range: RfcStructure[]): boolean {
  if (range.length === 0) return true;
  let included = !range.some((r) => str(r.SIGN || 'I') === 'I');
  for (const r of range) {
    const low = str(r.LOW);
    const high = str(r.HIGH);
    const opt = str(r.OPTION || 'EQ');
    const pattern = new RegExp(`^${low.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\+/g, '.')}$`);
    const hit = opt === 'EQ' ? kunnr === low : opt === 'NE' ? kunnr !== low : opt === 'BT' ? kunnr >= low && kunnr <= high
      : opt === 'GE' ? kunnr >= low : opt === 'LE' ? kunnr <= low : opt === 'GT' ? kunnr > low : opt === 'LT' ? kunnr < low
        : opt === 'CP' ? pattern.test(kunnr) : false;
    if (hit) included = str(r.SIGN || 'I') === 'I';
  }
  return included;
}

function addressOf(kna1: Row): RfcStructure {
  return {
    CUSTOMER: kna1.KUNNR, NAME: kna1.NAME1 ?? '', NAME_2: kna1.NAME2 ?? '', CITY: kna1.ORT01 ?? '', POSTL_COD1: kna1.PSTLZ ?? '',
    STREET: kna1.STRAS ?? '', COUNTRY: kna1.LAND1 ?? '', REGION: kna1.REGIO ?? '', TELEPHONE: kna1.TELF1 ?? '',
    LANGU: kna1.SPRAS ?? '', SORT1: kna1.SORTL ?? '',
  };
}

export const bapiCustomerGetList: FunctionModule = {
  name: 'BAPI_CUSTOMER_GETLIST',
  signature: {
    MAXROWS: { dir: 'I', type: 'I' }, CPDONLY: { dir: 'I' }, RETURN: { dir: 'E', fields: fields(BAPIRET1_FIELDS) },
    IDRANGE: { dir: 'T', fields: fields('SIGN OPTION LOW HIGH') }, ADDRESSDATA: { dir: 'T', fields: ADDRESS },
    SPECIALDATA: { dir: 'T', fields: fields('CUSTOMER ONE_TIME_ACC') },
  },
  run(ctx, params): RfcObject {
    const max = Number(params.MAXROWS ?? 0) || 0;
    const cpdOnly = str(params.CPDONLY).trim() === 'X';
    const range = rows(params.IDRANGE);
    const out: Row[] = [];
    for (const kna1 of ctx.db.mustTable('KNA1').scan()) {
      if (cpdOnly && kna1.XCPDK !== 'X') continue;
      if (!inRange(kna1.KUNNR, range)) continue;
      out.push(kna1);
      if (max > 0 && out.length >= max) break;
    }
    if (out.length === 0) return { RETURN: message('E', 'F2', '718', 'No customers were found') };
    return {
      ADDRESSDATA: out.map(addressOf),
      SPECIALDATA: out.map((k) => ({ CUSTOMER: k.KUNNR, ONE_TIME_ACC: k.XCPDK ?? '' })),
      RETURN: message('S', 'F2', '000', ''),
    };
  },
};

export const bapiCustomerGetDetail2: FunctionModule = {
  name: 'BAPI_CUSTOMER_GETDETAIL2',
  signature: {
    CUSTOMERNO: { dir: 'I' }, COMPANYCODE: { dir: 'I' },
    CUSTOMERADDRESS: { dir: 'E', fields: CUSTOMER_ADDRESS }, CUSTOMERGENERALDETAIL: { dir: 'E', fields: CUSTOMER_GENERAL },
    CUSTOMERCOMPANYDETAIL: { dir: 'E', fields: CUSTOMER_COMPANY }, RETURN: { dir: 'E', fields: fields(BAPIRET1_FIELDS) },
    CUSTOMERBANKDETAIL: { dir: 'T', fields: fields('BANK_CTRY BANK_KEY BANK_ACCT BANK_REF') },
  },
  run(ctx, params): RfcObject {
    const kunnr = str(params.CUSTOMERNO).trim();
    const bukrs = str(params.COMPANYCODE).trim();
    const kna1 = ctx.db.get('KNA1', { KUNNR: kunnr });
    if (!kna1) return { RETURN: message('E', 'F2', '153', 'Customer &1 has not been created', [kunnr]) };
    const knb1 = bukrs ? ctx.db.get('KNB1', { KUNNR: kunnr, BUKRS: bukrs }) : undefined;
    if (bukrs && !knb1) return { RETURN: message('E', 'F2', '154', 'Customer &1 has not been created for company code &2', [kunnr, bukrs]) };
    const knvv = ctx.db.get('KNVV', { KUNNR: kunnr, VKORG: '1000', VTWEG: '10', SPART: '00' });
    return {
      CUSTOMERADDRESS: {
        NAME: kna1.NAME1 ?? '', NAME_2: kna1.NAME2 ?? '', CITY: kna1.ORT01 ?? '', POSTL_COD1: kna1.PSTLZ ?? '', STREET: kna1.STRAS ?? '',
        COUNTRY: kna1.LAND1 ?? '', REGION: kna1.REGIO ?? '', TELEPHONE1: kna1.TELF1 ?? '', FAX_NUMBER: kna1.TELFX ?? '',
        LANGU: kna1.SPRAS ?? '', SORT1: kna1.SORTL ?? '', CURRENCY: knvv?.WAERS ?? '',
      },
      CUSTOMERGENERALDETAIL: {
        ACCNT_GRP: kna1.KTOKD ?? '', CREATED_ON: kna1.ERDAT ?? '00000000', CREATED_BY: kna1.ERNAM ?? '', VAT_REG_NO: kna1.STCEG ?? '',
        TAX_NO_1: kna1.STCD1 ?? '', ORDER_BLK: kna1.AUFSD ?? '', POST_BLOCK: kna1.SPERR ?? '', DEL_FLAG: kna1.LOEVM ?? '', INDUSTRY: kna1.BRSCH ?? '',
      },
      ...(knb1 ? { CUSTOMERCOMPANYDETAIL: {
        COMP_CODE: knb1.BUKRS, RECON_ACCOUNT: knb1.AKONT ?? '', PMNTTRMS: knb1.ZTERM ?? '', PAYMT_METH: knb1.ZWELS ?? '',
        POST_BLOCK: knb1.SPERR ?? '', DEL_FLAG: knb1.LOEVM ?? '', CREATED_ON: knb1.ERDAT ?? '00000000', CREATED_BY: knb1.ERNAM ?? '',
      } } : {}),
      RETURN: message('S', 'F2', '000', ''),
    };
  },
};

export const bapiVendorGetDetail: FunctionModule = {
  name: 'BAPI_VENDOR_GETDETAIL',
  signature: {
    VENDORNO: { dir: 'I' }, COMPANYCODE: { dir: 'I' },
    GENERALDETAIL: { dir: 'E', fields: VENDOR_GENERAL }, COMPANYDETAIL: { dir: 'E', fields: VENDOR_COMPANY },
    RETURN: { dir: 'E', fields: fields(BAPIRET1_FIELDS) },
    BANKDETAIL: { dir: 'T', fields: fields('VENDOR BANK_CTRY BANK_KEY BANK_ACCT BANK_REF') },
  },
  run(ctx, params): RfcObject {
    const lifnr = str(params.VENDORNO).trim();
    const bukrs = str(params.COMPANYCODE).trim();
    const lfa1 = ctx.db.get('LFA1', { LIFNR: lifnr });
    if (!lfa1) return { RETURN: message('E', 'F2', '163', 'Vendor &1 has not been created', [lifnr]) };
    const lfb1 = bukrs ? ctx.db.get('LFB1', { LIFNR: lifnr, BUKRS: bukrs }) : undefined;
    if (bukrs && !lfb1) return { RETURN: message('E', 'F2', '164', 'Vendor &1 has not been created for company code &2', [lifnr, bukrs]) };
    return {
      GENERALDETAIL: {
        VENDOR: lfa1.LIFNR, NAME: lfa1.NAME1 ?? '', NAME_2: lfa1.NAME2 ?? '', CITY: lfa1.ORT01 ?? '', POSTL_CODE: lfa1.PSTLZ ?? '',
        STREET: lfa1.STRAS ?? '', COUNTRY: lfa1.LAND1 ?? '', REGION: lfa1.REGIO ?? '', TELEPHONE: lfa1.TELF1 ?? '',
        LANGU: lfa1.SPRAS ?? '', SORT1: lfa1.SORTL ?? '', VAT_REG_NO: lfa1.STCEG ?? '', ACCNT_GRP: lfa1.KTOKK ?? '',
      },
      ...(lfb1 ? { COMPANYDETAIL: {
        VENDOR: lfb1.LIFNR, COMP_CODE: lfb1.BUKRS, RECON_ACCOUNT: lfb1.AKONT ?? '', PMNTTRMS: lfb1.ZTERM ?? '', PAYMT_METH: lfb1.ZWELS ?? '',
        POST_BLOCK: lfb1.SPERR ?? '', DEL_FLAG: lfb1.LOEVM ?? '', CREATED_ON: lfb1.ERDAT ?? '00000000', CREATED_BY: lfb1.ERNAM ?? '',
      } } : {}),
      RETURN: message('S', 'F2', '000', ''),
    };
  },
};
