import { z } from 'zod';
import { DomainError } from '../common/domain-error.js';
import type { FlowKey } from './flow-keys.js';
import { x3CustomersConfig, x3DealsConfig, x3SalesOrdersConfig } from './x3-flow-config.js';

// Each flow's mapping config: validated when saved (every bad field named at once) and parsed again
// when a run starts, so a run never works from a config that no longer fits the schema.

const zohoField = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'a Zoho field API name (letters, digits, _)');
const sapCode = (max: number) => z.string().min(1).max(max).regex(/^[A-Z0-9_/]+$/, `an SAP code of at most ${max} upper-case characters`);

/** Where the ERP is reached: an agent site group of the tenant and the agent's profile name. */
const erpTarget = {
  site: z.string().min(1).max(100).default('default'),
  sapProfile: z.string().min(1).max(100).default('ECS-100'),
};

/**
 * Zoho records made before a flow fed by Zoho was first run: `skip` (the default: enabling "POs to SAP"
 * must not post years of old POs) or `import` them too.
 */
const existingRecords = z.enum(['skip', 'import']).default('skip');

/** How often a flow fed by Zoho also polls it by Modified_Time (webhooks wake it at once in between). */
const zohoPollMs = z.number().int().min(10_000).max(86_400_000).default(300_000);

const customersConfig = z.object({
  ...erpTarget,
  companyCode: sapCode(4).default('1000'),
  creditControlArea: sapCode(4).default('1000'),
  /** A unique custom field holding the SAP customer number: the upsert's duplicate check. */
  keyField: zohoField.default('SAP_Customer_Number'),
  fields: z.object({
    name: zohoField.default('Account_Name'),
    street: zohoField.default('Billing_Street'),
    city: zohoField.default('Billing_City'),
    postalCode: zohoField.default('Billing_Code'),
    region: zohoField.default('Billing_State'),
    country: zohoField.default('Billing_Country'),
    phone: zohoField.default('Phone'),
    creditLimit: zohoField.default('SAP_Credit_Limit'),
    creditStatus: zohoField.default('SAP_Credit_Status'),
    paymentTerms: zohoField.default('SAP_Payment_Terms'),
  }).strict().prefault({}),
  /** Customers marked for deletion (LOEVM) are not carried over. */
  skipDeleted: z.boolean().default(true),
  /** The customer's contact persons (KNVK) as Zoho Contacts of the Account. */
  contacts: z.object({
    enabled: z.boolean().default(true),
    keyField: zohoField.default('SAP_Contact_Number'),
  }).strict().prefault({}),
}).strict();

const VENDOR_FIELDS = ['name', 'street', 'city', 'postalCode', 'country', 'phone', 'vatNumber'] as const;
export type VendorField = (typeof VENDOR_FIELDS)[number];
const ownership = z.enum(['sap', 'zoho', 'last_writer']);

const vendorsConfig = z.object({
  ...erpTarget,
  companyCode: sapCode(4).default('1000'),
  purchasingOrg: sapCode(4).default('1000'),
  accountGroup: sapCode(4).default('KRED'),
  reconciliationAccount: z.string().regex(/^\d{1,10}$/).default('160000'),
  /** The customer RFC that creates and changes vendors (the simulator's default name). */
  zohoPollMs,
  vendorFunctionModule: z.string().min(1).max(30).default('Z_MLC_VENDOR_MAINTAIN'),
  keyField: zohoField.default('SAP_Vendor_Number'),
  fields: z.object({
    name: zohoField.default('Vendor_Name'),
    street: zohoField.default('Street'),
    city: zohoField.default('City'),
    postalCode: zohoField.default('Zip_Code'),
    country: zohoField.default('Country'),
    phone: zohoField.default('Phone'),
    vatNumber: zohoField.default('SAP_VAT_Number'),
  }).strict().prefault({}),
  /** Who wins a field both sides changed since the last sync; unnamed fields go to the last writer. */
  ownership: z.partialRecord(z.enum(VENDOR_FIELDS), ownership).default({}),
  /** The SAP system's time zone: change documents carry local date and time. */
  sapTimeZone: z.string().default('UTC'),
}).strict();

const purchaseOrdersConfig = z.object({
  ...erpTarget,
  companyCode: sapCode(4).default('1000'),
  purchasingOrg: sapCode(4).default('1000'),
  purchasingGroup: sapCode(3).default('001'),
  documentType: sapCode(4).default('NB'),
  plant: sapCode(4).default('1000'),
  currency: sapCode(5).default('EUR'),
  /** Zoho product (by Product_Code, else name) to SAP material number; `defaultMaterial` otherwise. */
  materials: z.record(z.string().min(1), z.string().min(1).max(18)).default({}),
  defaultMaterial: z.string().min(1).max(18).optional(),
  /** The Zoho field the SAP PO number is written back to. */
  zohoPollMs,
  writeBackField: zohoField.default('PO_Number'),
  /** Zoho statuses that are sent to SAP; empty = every PO. */
  statuses: z.array(z.string().min(1)).default([]),
  existingRecords,
}).strict();

const invoicesConfig = z.object({
  ...erpTarget,
  companyCode: sapCode(4).default('1000'),
  documentType: sapCode(2).default('DR'),
  currency: sapCode(5).default('EUR'),
  /** customer: the Account is debited (AR); vendor: a Vendors lookup on the invoice is credited (AP). */
  partner: z.enum(['customer', 'vendor']).default('customer'),
  vendorLookupField: zohoField.default('Vendor'),
  glAccount: z.string().regex(/^\d{1,10}$/, 'a G/L account number').default('800000'),
  /** Zoho tax name (e.g. "VAT 19") to SAP tax code and tax G/L account. */
  taxCodes: z.record(z.string().min(1), z.object({ taxCode: sapCode(2), glAccount: z.string().regex(/^\d{1,10}$/) }).strict()).default({}),
  zohoPollMs,
  writeBackField: zohoField.default('SAP_Document_Number'),
  statuses: z.array(z.string().min(1)).default([]),
  existingRecords,
}).strict();

const referenceDataConfig = z.object({
  ...erpTarget,
  /** A custom Zoho module holding one record per SAP master value. */
  module: zohoField.default('SAP_Reference_Data'),
  companyCodes: z.array(sapCode(4)).min(1).default(['1000']),
}).strict();

export const FLOW_CONFIG_SCHEMAS = {
  'sap-customers-to-zoho-accounts': customersConfig,
  'sap-vendors-zoho-vendors': vendorsConfig,
  'zoho-purchase-orders-to-sap': purchaseOrdersConfig,
  'zoho-invoices-to-sap-gl': invoicesConfig,
  'sap-reference-data-to-zoho': referenceDataConfig,
  'x3-customers-zoho-accounts': x3CustomersConfig,
  'zoho-deals-to-x3-sales-orders': x3DealsConfig,
  'x3-sales-orders-to-zoho': x3SalesOrdersConfig,
} satisfies Record<FlowKey, z.ZodType>;

export type FlowConfig<K extends FlowKey> = z.infer<(typeof FLOW_CONFIG_SCHEMAS)[K]>;
export type CustomersConfig = FlowConfig<'sap-customers-to-zoho-accounts'>;
export type VendorsConfig = FlowConfig<'sap-vendors-zoho-vendors'>;
export type PurchaseOrdersConfig = FlowConfig<'zoho-purchase-orders-to-sap'>;
export type InvoicesConfig = FlowConfig<'zoho-invoices-to-sap-gl'>;
export type ReferenceDataConfig = FlowConfig<'sap-reference-data-to-zoho'>;
export { VENDOR_FIELDS };

/** The config with defaults filled in, or one INVALID_INPUT naming every bad field (as `config.fields.name`). */
export function parseFlowConfig<K extends FlowKey>(key: K, input: unknown): FlowConfig<K> {
  const parsed = FLOW_CONFIG_SCHEMAS[key].safeParse(input ?? {});
  if (parsed.success) return parsed.data as FlowConfig<K>;
  const problems = parsed.error.issues.map((issue) => `config.${issue.path.join('.')}: ${issue.message}`.replace(/\.:/, ':'));
  throw new DomainError('INVALID_INPUT', `invalid mapping config for ${key}: ${problems.join('; ')}`, {
    flow: key,
    fields: parsed.error.issues.map((i) => ['config', ...i.path].join('.')).join(','),
  });
}
