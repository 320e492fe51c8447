import type { ZohoRecord } from '@mlc/zoho';
import type { PurchaseOrdersConfig } from '../flow-config.js';
import { RecordRejected } from '../record-failure.js';
import { externalDate, internalNumber, zohoShortKey } from './sap-values.js';

type Params = Record<string, unknown>;

interface ZohoLookup {
  id: string;
  name?: string;
}

export function lookupOf(value: unknown): ZohoLookup | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as Record<string, unknown>)['id'];
  const name = (value as Record<string, unknown>)['name'];
  return typeof id === 'string' ? { id, name: typeof name === 'string' ? name : undefined } : undefined;
}

/** X-flags for every field given: BAPI_PO_CREATE1 adopts only flagged fields. */
function flags(structure: Params, keep: readonly string[] = []): Params {
  return Object.fromEntries(Object.keys(structure).map((key) => [key, keep.includes(key) ? structure[key] : 'X']));
}

function material(config: PurchaseOrdersConfig, product: ZohoLookup, itemNo: number): string {
  const mapped = config.materials[product.id] ?? (product.name ? config.materials[product.name] : undefined) ?? config.defaultMaterial;
  if (!mapped) {
    throw new RecordRejected(`item ${itemNo}: Zoho product "${product.name ?? product.id}" has no SAP material in the flow's config (config.materials or config.defaultMaterial)`, { product: product.id });
  }
  return internalNumber(mapped, 18);
}

function deliveryDate(record: ZohoRecord, today: string): string {
  const due = typeof record['Due_Date'] === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(record['Due_Date']) ? record['Due_Date'] : today;
  return externalDate(due);
}

function amount(value: unknown, what: string, itemNo: number): string {
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n) || n < 0) throw new RecordRejected(`item ${itemNo}: ${what} "${String(value)}" is not a number SAP can take`);
  return String(n);
}

/**
 * BAPI_PO_CREATE1's parameters for a Zoho purchase order: header from the config, the vendor from
 * the vendor link, one item and schedule line per Zoho line item, and the Zoho PO's short key in
 * REF_1 (EKKO-IHREZ), which is what makes a retry find the PO an earlier try created.
 */
export function purchaseOrderParams(record: ZohoRecord, lifnr: string, config: PurchaseOrdersConfig, today: string): Params {
  const items = Array.isArray(record['Purchase_Items']) ? (record['Purchase_Items'] as Array<Record<string, unknown>>) : [];
  if (items.length === 0) throw new RecordRejected('the Zoho purchase order has no line items');
  const header = {
    COMP_CODE: config.companyCode, DOC_TYPE: config.documentType, VENDOR: internalNumber(lifnr, 10), PURCH_ORG: config.purchasingOrg,
    PUR_GROUP: config.purchasingGroup, CURRENCY: config.currency, REF_1: zohoShortKey(String(record.id)),
  };
  const poItems: Params[] = [];
  const schedules: Params[] = [];
  items.forEach((item, index) => {
    const itemNo = (index + 1) * 10;
    const product = lookupOf(item['Product_Name']);
    if (!product) throw new RecordRejected(`item ${itemNo}: no product`);
    const poItem = String(itemNo).padStart(5, '0');
    const quantity = amount(item['Quantity'], 'quantity', itemNo);
    poItems.push({ PO_ITEM: poItem, MATERIAL: material(config, product, itemNo), PLANT: config.plant, QUANTITY: quantity, NET_PRICE: amount(item['List_Price'] ?? 0, 'price', itemNo) });
    schedules.push({ PO_ITEM: poItem, SCHED_LINE: '0001', DELIVERY_DATE: deliveryDate(record, today), QUANTITY: quantity });
  });
  return {
    POHEADER: header,
    POHEADERX: flags(header),
    POITEM: poItems,
    POITEMX: poItems.map((item) => ({ ...flags(item, ['PO_ITEM']), PO_ITEMX: 'X' })),
    POSCHEDULE: schedules,
    POSCHEDULEX: schedules.map((line) => ({ ...flags(line, ['PO_ITEM', 'SCHED_LINE']), PO_ITEMX: 'X', SCHED_LINEX: 'X' })),
  };
}
