import type { RfcObject, RfcStructure } from '../protocol/messages.js';
import type { Row } from '../store/table-store.js';
import { bapiret2, BAPIRET2_FIELDS, type BapiMessage } from './bapi-return.js';
import { fields, rows, str, struct, type FmContext, type FunctionModule } from './fm-types.js';

/*
 * BAPI_ACC_DOCUMENT_POST for G/L, vendor and customer lines. RW 605/609 and F5 702 ("Balance in
 * transaction currency") are modelled on the real messages; RW 021 and the account checks' numbers
 * are plausible but unverified. Structures carry the commonly used subset of BAPIACHE09,
 * BAPIACGL09, BAPIACAP09, BAPIACAR09 and BAPIACCR09.
 */
const HEADER = fields('OBJ_TYPE OBJ_KEY OBJ_SYS BUS_ACT USERNAME HEADER_TXT COMP_CODE DOC_DATE:D PSTNG_DATE:D TRANS_DATE:D FISC_YEAR:N FIS_PERIOD:N DOC_TYPE REF_DOC_NO AC_DOC_NO OBJ_KEY_R REASON_REV');
const GL = fields('ITEMNO_ACC:N GL_ACCOUNT ITEM_TEXT STAT_CON REF_KEY_1 REF_KEY_2 REF_KEY_3 ACCT_KEY ACCT_TYPE DOC_TYPE COMP_CODE BUS_AREA FUNC_AREA PLANT FIS_PERIOD:N FISC_YEAR:N PSTNG_DATE:D VALUE_DATE:D CUSTOMER VENDOR_NO ALLOC_NMBR TAX_CODE TAXJURCODE COSTCENTER PROFIT_CTR ORDERID WBS_ELEMENT');
const AP = fields('ITEMNO_ACC:N VENDOR_NO GL_ACCOUNT REF_KEY_1 REF_KEY_2 REF_KEY_3 COMP_CODE BUS_AREA PMNTTRMS BLINE_DATE:D DSCT_DAYS1:P DSCT_DAYS2:P NETTERMS:P DSCT_PCT1:P DSCT_PCT2:P PYMT_METH PMNT_BLOCK ALLOC_NMBR ITEM_TEXT TAX_CODE SP_GL_IND PROFIT_CTR');
const AR = fields('ITEMNO_ACC:N CUSTOMER GL_ACCOUNT REF_KEY_1 REF_KEY_2 REF_KEY_3 COMP_CODE BUS_AREA PMNTTRMS BLINE_DATE:D DSCT_DAYS1:P DSCT_DAYS2:P NETTERMS:P DSCT_PCT1:P DSCT_PCT2:P PYMT_METH PMNT_BLOCK ALLOC_NMBR ITEM_TEXT TAX_CODE SP_GL_IND PROFIT_CTR');
const AMOUNT = fields('ITEMNO_ACC:N CURR_TYPE CURRENCY CURRENCY_ISO AMT_DOCCUR:P EXCH_RATE:P EXCH_RATE_V:P AMT_BASE:P DISC_BASE:P DISC_AMT:P TAX_AMT:P');

type Line = { kind: 'S' | 'K' | 'D'; item: RfcStructure; itemNo: string; amount: number; currency: string };

const msg = (type: BapiMessage['type'], id: string, number: string, text: string, v: string[] = [], extra: Partial<BapiMessage> = {}): BapiMessage =>
  ({ type, id, number, text, v, ...extra });

function postingKey(kind: Line['kind'], debit: boolean): string {
  if (kind === 'S') return debit ? '40' : '50';
  if (kind === 'K') return debit ? '21' : '31';
  return debit ? '01' : '11';
}

function collectLines(params: Record<string, unknown>, errors: BapiMessage[]): Line[] {
  const amounts = rows(params.CURRENCYAMOUNT);
  const lines: Line[] = [];
  const add = (kind: Line['kind'], table: string, items: RfcStructure[]): void => {
    items.forEach((item, i) => {
      const itemNo = str(item.ITEMNO_ACC).padStart(10, '0');
      const amount = amounts.find((a) => str(a.ITEMNO_ACC).padStart(10, '0') === itemNo && ['', '00'].includes(str(a.CURR_TYPE)));
      if (!amount) {
        errors.push(msg('E', 'RW', '014', 'No amount was transferred for item &1', [itemNo], { parameter: table, row: i + 1 }));
        return;
      }
      lines.push({ kind, item, itemNo, amount: Number(amount.AMT_DOCCUR ?? 0), currency: str(amount.CURRENCY) });
    });
  };
  add('S', 'ACCOUNTGL', rows(params.ACCOUNTGL));
  add('K', 'ACCOUNTPAYABLE', rows(params.ACCOUNTPAYABLE));
  add('D', 'ACCOUNTRECEIVABLE', rows(params.ACCOUNTRECEIVABLE));
  return lines;
}

function checkAccounts(ctx: FmContext, lines: Line[], bukrs: string, errors: BapiMessage[]): void {
  for (const line of lines) {
    if (line.kind === 'S') {
      const saknr = str(line.item.GL_ACCOUNT);
      if (!ctx.db.get('SKB1', { BUKRS: bukrs, SAKNR: saknr })) errors.push(msg('E', 'FH', '010', 'G/L account &1 is not defined in company code &2', [saknr, bukrs], { parameter: 'ACCOUNTGL', field: 'GL_ACCOUNT' }));
    } else if (line.kind === 'K') {
      const lifnr = str(line.item.VENDOR_NO);
      if (!ctx.db.get('LFB1', { LIFNR: lifnr, BUKRS: bukrs })) errors.push(msg('E', 'F5', '153', 'Vendor &1 is not defined in company code &2', [lifnr, bukrs], { parameter: 'ACCOUNTPAYABLE', field: 'VENDOR_NO' }));
    } else {
      const kunnr = str(line.item.CUSTOMER);
      if (!ctx.db.get('KNB1', { KUNNR: kunnr, BUKRS: bukrs })) errors.push(msg('E', 'F5', '152', 'Customer &1 is not defined in company code &2', [kunnr, bukrs], { parameter: 'ACCOUNTRECEIVABLE', field: 'CUSTOMER' }));
    }
  }
}

function bsegRow(ctx: FmContext, line: Line, buzei: number, bukrs: string): Row {
  const debit = line.amount >= 0;
  const abs = Math.abs(line.amount).toFixed(2);
  const it = line.item;
  const recon = line.kind === 'K' ? ctx.db.get('LFB1', { LIFNR: str(it.VENDOR_NO), BUKRS: bukrs })?.AKONT
    : line.kind === 'D' ? ctx.db.get('KNB1', { KUNNR: str(it.CUSTOMER), BUKRS: bukrs })?.AKONT : str(it.GL_ACCOUNT);
  return {
    BUZEI: String(buzei).padStart(3, '0'), BSCHL: postingKey(line.kind, debit), KOART: line.kind, SHKZG: debit ? 'S' : 'H',
    MWSKZ: str(it.TAX_CODE), DMBTR: abs, WRBTR: abs, SGTXT: str(it.ITEM_TEXT).slice(0, 50), KOSTL: str(it.COSTCENTER),
    SAKNR: line.kind === 'S' ? str(it.GL_ACCOUNT) : '', HKONT: recon ?? '', KUNNR: str(it.CUSTOMER), LIFNR: line.kind === 'K' ? str(it.VENDOR_NO) : '',
    ZFBDT: str(it.BLINE_DATE) || '00000000', ZTERM: str(it.PMNTTRMS),
  };
}

export const bapiAccDocumentPost: FunctionModule = {
  name: 'BAPI_ACC_DOCUMENT_POST',
  signature: {
    DOCUMENTHEADER: { dir: 'I', fields: HEADER }, CUSTOMERCPD: { dir: 'I', fields: fields('NAME NAME_2 CITY POSTL_CODE STREET COUNTRY LANGU_ISO') },
    CONTRACTHEADER: { dir: 'I', fields: fields('CONTRACT_TYPE') },
    OBJ_TYPE: { dir: 'E' }, OBJ_KEY: { dir: 'E' }, OBJ_SYS: { dir: 'E' },
    ACCOUNTGL: { dir: 'T', fields: GL }, ACCOUNTPAYABLE: { dir: 'T', fields: AP }, ACCOUNTRECEIVABLE: { dir: 'T', fields: AR },
    ACCOUNTTAX: { dir: 'T', fields: fields('ITEMNO_ACC:N GL_ACCOUNT COND_KEY ACCT_KEY TAX_CODE TAX_RATE:P TAX_DATE:D TAXJURCODE') },
    CURRENCYAMOUNT: { dir: 'T', fields: AMOUNT }, CRITERIA: { dir: 'T', fields: fields('ITEMNO_ACC:N FIELDNAME CHARACTER') },
    VALUEFIELD: { dir: 'T', fields: fields('ITEMNO_ACC:N FIELDNAME CURR_TYPE CURRENCY AMT_VALCOM:P') },
    EXTENSION1: { dir: 'T', fields: fields('FIELD1 FIELD2 FIELD3 FIELD4') }, EXTENSION2: { dir: 'T', fields: fields('STRUCTURE VALUEPART1 VALUEPART2 VALUEPART3 VALUEPART4') },
    RETURN: { dir: 'T', fields: fields(BAPIRET2_FIELDS) },
  },
  run(ctx, params): RfcObject {
    const head = struct(params.DOCUMENTHEADER);
    const sys = ctx.logicalSystem;
    const errors: BapiMessage[] = [];
    for (const name of ['USERNAME', 'COMP_CODE', 'DOC_DATE', 'PSTNG_DATE']) {
      if (str(head[name]).trim() === '') errors.push(msg('E', 'RW', '021', 'Required field &1 was not transferred in parameter &2', [name, 'DOCUMENTHEADER'], { parameter: 'DOCUMENTHEADER', field: name }));
    }
    const bukrs = str(head.COMP_CODE).trim();
    if (bukrs && !ctx.db.get('T001', { BUKRS: bukrs })) errors.push(msg('E', 'F5', '165', 'Company code &1 does not exist', [bukrs], { parameter: 'DOCUMENTHEADER', field: 'COMP_CODE' }));
    const lines = collectLines(params, errors);
    if (lines.length === 0) errors.push(msg('E', 'RW', '022', 'No items were transferred', [], { parameter: 'ACCOUNTGL' }));
    if (bukrs) checkAccounts(ctx, lines, bukrs, errors);
    const balanceCents = lines.reduce((sum, l) => sum + Math.round(l.amount * 100), 0);
    if (lines.length > 0 && balanceCents !== 0) {
      errors.push(msg('E', 'F5', '702', 'Balance in transaction currency', [(balanceCents / 100).toFixed(2), lines[0].currency]));
    }
    const objType = str(head.OBJ_TYPE) || 'BKPFF';
    if (errors.length > 0) {
      const head609 = msg('E', 'RW', '609', 'Error in document: &1 &2 &3', [objType, '$', sys]);
      return { RETURN: [head609, ...errors].map((m) => bapiret2(m, sys)), OBJ_TYPE: objType, OBJ_KEY: '$', OBJ_SYS: sys };
    }
    const budat = str(head.PSTNG_DATE);
    const gjahr = budat.slice(0, 4);
    const belnr = ctx.db.next(`BELNR:${bukrs}:${gjahr}`);
    const objKey = `${belnr}${bukrs}${gjahr}`;
    const today = ctx.db.clock.date();
    ctx.luw.onCommit(() => {
      ctx.db.put('BKPF', {
        BUKRS: bukrs, BELNR: belnr, GJAHR: gjahr, BLART: str(head.DOC_TYPE) || 'SA', BLDAT: str(head.DOC_DATE), BUDAT: budat,
        MONAT: budat.slice(4, 6), CPUDT: today, CPUTM: ctx.db.clock.time(), USNAM: str(head.USERNAME).slice(0, 12), TCODE: 'BAPI',
        XBLNR: str(head.REF_DOC_NO).slice(0, 16), BKTXT: str(head.HEADER_TXT).slice(0, 25), WAERS: lines[0].currency, AWTYP: objType, AWKEY: objKey,
      });
      lines.forEach((line, i) => ctx.db.put('BSEG', { ...bsegRow(ctx, line, i + 1, bukrs), BUKRS: bukrs, BELNR: belnr, GJAHR: gjahr }));
    });
    const ok = msg('S', 'RW', '605', 'Document posted successfully: &1 &2 &3', [objType, objKey, sys]);
    return { RETURN: [bapiret2(ok, sys)], OBJ_TYPE: objType, OBJ_KEY: objKey, OBJ_SYS: sys };
  },
};
