import type { ZohoRecord } from '@mlc/zoho';
import type { InvoicesConfig } from '../flow-config.js';
import { RecordRejected } from '../record-failure.js';
import { datsOf, internalNumber, zohoShortKey } from './sap-values.js';

type Params = Record<string, unknown>;

interface Totals {
  net: number;
  tax: number;
  taxName: string | null;
}

const cents = (value: number): number => Math.round(value * 100);

/** Net and tax of the invoice, from its line items (what Zoho itself sums up). */
function totals(invoice: ZohoRecord): Totals {
  const items = Array.isArray(invoice['Invoiced_Items']) ? (invoice['Invoiced_Items'] as Array<Record<string, unknown>>) : [];
  if (items.length === 0) throw new RecordRejected('the Zoho invoice has no line items');
  let net = 0;
  let tax = 0;
  for (const item of items) {
    const total = Number(item['Total'] ?? Number(item['Quantity'] ?? 0) * Number(item['List_Price'] ?? 0));
    net += total - Number(item['Discount'] ?? 0);
    tax += Number(item['Tax'] ?? 0);
  }
  if (!Number.isFinite(net) || !Number.isFinite(tax)) throw new RecordRejected('the Zoho invoice has line items without numeric amounts');
  const taxName = typeof invoice['Tax_Name'] === 'string' ? invoice['Tax_Name'] : null;
  return { net: cents(net) / 100, tax: cents(tax) / 100, taxName };
}

/**
 * BAPI_ACC_DOCUMENT_POST's parameters for a Zoho invoice: the partner line (customer debit or vendor
 * credit), the G/L line for the net amount and, when the invoice carries tax, a tax line on the
 * configured tax account. The amounts balance to the cent or the record is rejected before SAP sees
 * it. REF_DOC_NO (BKPF-XBLNR) holds the invoice's short key, so a retry finds an earlier posting.
 */
export function invoiceDocumentParams(invoice: ZohoRecord, partner: string, config: InvoicesConfig, today: string): Params {
  const { net, tax, taxName } = totals(invoice);
  const gross = cents(net + tax) / 100;
  const date = typeof invoice['Invoice_Date'] === 'string' ? datsOf(invoice['Invoice_Date']) : datsOf(today);
  const taxMapping = tax !== 0 ? (taxName ? config.taxCodes[taxName] : Object.values(config.taxCodes)[0]) : undefined;
  if (tax !== 0 && !taxMapping) throw new RecordRejected(`tax "${taxName ?? '(unnamed)'}" has no SAP tax code in the flow's config (config.taxCodes)`);
  // Customer invoices debit the customer and credit revenue; vendor invoices the other way round.
  const sign = config.partner === 'customer' ? 1 : -1;
  const partnerLine = config.partner === 'customer'
    ? { ACCOUNTRECEIVABLE: [{ ITEMNO_ACC: '0000000001', CUSTOMER: internalNumber(partner, 10), COMP_CODE: config.companyCode, ITEM_TEXT: String(invoice['Subject'] ?? '').slice(0, 50) }] }
    : { ACCOUNTPAYABLE: [{ ITEMNO_ACC: '0000000001', VENDOR_NO: internalNumber(partner, 10), COMP_CODE: config.companyCode, ITEM_TEXT: String(invoice['Subject'] ?? '').slice(0, 50) }] };
  const gl = [{ ITEMNO_ACC: '0000000002', GL_ACCOUNT: internalNumber(config.glAccount, 10), COMP_CODE: config.companyCode, ITEM_TEXT: String(invoice['Subject'] ?? '').slice(0, 50), TAX_CODE: taxMapping?.taxCode ?? '' }];
  if (taxMapping) gl.push({ ITEMNO_ACC: '0000000003', GL_ACCOUNT: internalNumber(taxMapping.glAccount, 10), COMP_CODE: config.companyCode, ITEM_TEXT: `Tax ${taxName ?? ''}`.trim(), TAX_CODE: taxMapping.taxCode });
  const amounts = [
    { ITEMNO_ACC: '0000000001', CURRENCY: config.currency, AMT_DOCCUR: (sign * gross).toFixed(2) },
    { ITEMNO_ACC: '0000000002', CURRENCY: config.currency, AMT_DOCCUR: (-sign * net).toFixed(2) },
    ...(taxMapping ? [{ ITEMNO_ACC: '0000000003', CURRENCY: config.currency, AMT_DOCCUR: (-sign * tax).toFixed(2) }] : []),
  ];
  const balance = amounts.reduce((sum, a) => sum + cents(Number(a.AMT_DOCCUR)), 0);
  if (balance !== 0) throw new RecordRejected(`the document would not balance (difference ${(balance / 100).toFixed(2)} ${config.currency})`);
  return {
    DOCUMENTHEADER: {
      BUS_ACT: 'RFBU', USERNAME: 'MLC_SYNC', COMP_CODE: config.companyCode, DOC_DATE: date, PSTNG_DATE: date, DOC_TYPE: config.documentType,
      REF_DOC_NO: zohoShortKey(String(invoice.id)), HEADER_TXT: String(invoice['Subject'] ?? '').slice(0, 25),
    },
    ...partnerLine,
    ACCOUNTGL: gl,
    CURRENCYAMOUNT: amounts,
  };
}
