/** The flows a tenant can enable. The key is stable: it names rows in sync_flow, sync_run and sync_link. */
export const FLOW_KEYS = [
  'sap-customers-to-zoho-accounts',
  'sap-vendors-zoho-vendors',
  'zoho-purchase-orders-to-sap',
  'zoho-invoices-to-sap-gl',
  'sap-reference-data-to-zoho',
  'x3-customers-zoho-accounts',
  'zoho-deals-to-x3-sales-orders',
  'x3-sales-orders-to-zoho',
] as const;

export type FlowKey = (typeof FLOW_KEYS)[number];

export function isFlowKey(value: string): value is FlowKey {
  return (FLOW_KEYS as readonly string[]).includes(value);
}

export interface FlowDescription {
  readonly key: FlowKey;
  readonly title: string;
  /** Zoho modules whose changes (webhook or poll) should wake the flow at once. */
  readonly wakesOn: readonly string[];
  readonly defaultScheduleMs: number;
  /** Zoho modules the flow cannot work without (some editions lack them). */
  readonly zohoModules?: readonly string[];
}

const HOUR = 3_600_000;

export const FLOWS: Record<FlowKey, FlowDescription> = {
  'sap-customers-to-zoho-accounts': { key: 'sap-customers-to-zoho-accounts', title: 'SAP customers → Zoho Accounts', wakesOn: [], defaultScheduleMs: HOUR },
  'sap-vendors-zoho-vendors': { key: 'sap-vendors-zoho-vendors', title: 'SAP vendors ⇄ Zoho Vendors', wakesOn: ['Vendors'], defaultScheduleMs: 15 * 60_000, zohoModules: ['Vendors'] },
  'zoho-purchase-orders-to-sap': { key: 'zoho-purchase-orders-to-sap', title: 'Zoho Purchase Orders → SAP (BAPI_PO_CREATE1)', wakesOn: ['Purchase_Orders'], defaultScheduleMs: 5 * 60_000, zohoModules: ['Purchase_Orders'] },
  'zoho-invoices-to-sap-gl': { key: 'zoho-invoices-to-sap-gl', title: 'Zoho Invoices → SAP GL (BAPI_ACC_DOCUMENT_POST)', wakesOn: ['Invoices'], defaultScheduleMs: 5 * 60_000, zohoModules: ['Invoices'] },
  'sap-reference-data-to-zoho': { key: 'sap-reference-data-to-zoho', title: 'SAP reference data → Zoho (GL accounts, company codes, payment terms)', wakesOn: [], defaultScheduleMs: 24 * HOUR },
  'x3-customers-zoho-accounts': { key: 'x3-customers-zoho-accounts', title: 'Sage X3 customers ⇄ Zoho Accounts', wakesOn: ['Accounts'], defaultScheduleMs: 15 * 60_000 },
  'zoho-deals-to-x3-sales-orders': { key: 'zoho-deals-to-x3-sales-orders', title: 'Zoho Deals (won) → Sage X3 sales orders', wakesOn: ['Deals'], defaultScheduleMs: 5 * 60_000 },
  'x3-sales-orders-to-zoho': { key: 'x3-sales-orders-to-zoho', title: 'Sage X3 sales orders → Zoho Sales Orders', wakesOn: [], defaultScheduleMs: 15 * 60_000, zohoModules: ['Sales_Orders'] },
};
