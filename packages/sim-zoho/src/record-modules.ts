import type { Edition } from './editions.js';

export type FieldType =
  | 'text'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'website'
  | 'picklist'
  | 'integer'
  | 'double'
  | 'currency'
  | 'boolean'
  | 'date'
  | 'datetime'
  | 'lookup'
  | 'line_items';

export interface FieldDef {
  readonly apiName: string;
  readonly type: FieldType;
  readonly required?: boolean;
  readonly unique?: boolean;
  /** Target module of a lookup, or the product module of line items. */
  readonly lookupModule?: string;
  readonly custom?: boolean;
}

export interface ModuleDef {
  readonly apiName: string;
  readonly id: string;
  /** The field whose value names a record in lookups (e.g. Account_Name). */
  readonly nameField: string;
  readonly minEdition: Edition;
  /** Zoho's system duplicate-check fields, used by upsert when the request names none. */
  readonly defaultDuplicateCheck: readonly string[];
  readonly fields: FieldDef[];
}

const text = (apiName: string, extra: Partial<FieldDef> = {}): FieldDef => ({ apiName, type: 'text', ...extra });
const typed = (apiName: string, type: FieldType, extra: Partial<FieldDef> = {}): FieldDef => ({ apiName, type, ...extra });
const lookup = (apiName: string, lookupModule: string, extra: Partial<FieldDef> = {}): FieldDef => ({ apiName, type: 'lookup', lookupModule, ...extra });

const address = (prefix: string, code = 'Code'): FieldDef[] => [
  text(`${prefix}_Street`),
  text(`${prefix}_City`),
  text(`${prefix}_State`),
  text(`${prefix}_${code}`),
  text(`${prefix}_Country`),
];

const inventoryCommon = (): FieldDef[] => [
  typed('Status', 'picklist'),
  typed('Due_Date', 'date'),
  typed('Description', 'textarea'),
  typed('Terms_and_Conditions', 'textarea'),
  typed('Currency', 'picklist'),
  ...address('Billing'),
  ...address('Shipping'),
];

/** Standard modules and the fields API-FACTS names; admin-defined custom fields are appended per org. */
export function standardModules(): ModuleDef[] {
  return [
    {
      apiName: 'Accounts', id: '5725767000000002175', nameField: 'Account_Name', minEdition: 'free',
      defaultDuplicateCheck: ['Account_Name'],
      fields: [
        text('Account_Name', { required: true }), text('Account_Number'), typed('Phone', 'phone'), typed('Website', 'website'),
        typed('Account_Type', 'picklist'), typed('Industry', 'picklist'), typed('Annual_Revenue', 'currency'),
        typed('Employees', 'integer'), typed('Description', 'textarea'), lookup('Parent_Account', 'Accounts'),
        ...address('Billing'), ...address('Shipping'),
      ],
    },
    {
      apiName: 'Contacts', id: '5725767000000002179', nameField: 'Last_Name', minEdition: 'free',
      defaultDuplicateCheck: ['Email'],
      fields: [
        text('Last_Name', { required: true }), text('First_Name'), typed('Email', 'email'), typed('Phone', 'phone'),
        typed('Mobile', 'phone'), text('Title'), lookup('Account_Name', 'Accounts'), typed('Description', 'textarea'),
        ...address('Mailing', 'Zip'),
      ],
    },
    {
      apiName: 'Vendors', id: '5725767000000002187', nameField: 'Vendor_Name', minEdition: 'professional',
      defaultDuplicateCheck: ['Vendor_Name'],
      fields: [
        text('Vendor_Name', { required: true }), typed('Email', 'email'), typed('Phone', 'phone'), typed('Website', 'website'),
        typed('GL_Account', 'picklist'), typed('Category', 'picklist'), text('Street'), text('City'), text('State'),
        text('Zip_Code'), text('Country'), typed('Description', 'textarea'),
      ],
    },
    {
      apiName: 'Products', id: '5725767000000002183', nameField: 'Product_Name', minEdition: 'free',
      defaultDuplicateCheck: ['Product_Name'],
      fields: [
        text('Product_Name', { required: true }), text('Product_Code'), typed('Unit_Price', 'currency'),
        typed('Product_Active', 'boolean'), typed('Qty_in_Stock', 'double'), typed('Usage_Unit', 'picklist'),
        lookup('Vendor_Name', 'Vendors'), typed('Description', 'textarea'),
      ],
    },
    {
      apiName: 'Purchase_Orders', id: '5725767000000002195', nameField: 'Subject', minEdition: 'professional',
      defaultDuplicateCheck: [],
      fields: [
        text('Subject', { required: true }), lookup('Vendor_Name', 'Vendors', { required: true }), text('PO_Number'),
        typed('PO_Date', 'date'), lookup('Contact_Name', 'Contacts'), text('Tracking_Number'),
        typed('Purchase_Items', 'line_items', { required: true, lookupModule: 'Products' }), ...inventoryCommon(),
      ],
    },
    {
      apiName: 'Sales_Orders', id: '5725767000000002191', nameField: 'Subject', minEdition: 'professional',
      defaultDuplicateCheck: [],
      fields: [
        text('Subject', { required: true }), lookup('Account_Name', 'Accounts', { required: true }), text('SO_Number'),
        lookup('Contact_Name', 'Contacts'), lookup('Deal_Name', 'Deals'), text('Customer_No'), text('Purchase_Order'),
        typed('Ordered_Items', 'line_items', { required: true, lookupModule: 'Products' }), ...inventoryCommon(),
      ],
    },
    {
      apiName: 'Invoices', id: '5725767000000002199', nameField: 'Subject', minEdition: 'professional',
      defaultDuplicateCheck: [],
      fields: [
        text('Subject', { required: true }), lookup('Account_Name', 'Accounts', { required: true }), text('Invoice_Number'),
        typed('Invoice_Date', 'date'), lookup('Sales_Order', 'Sales_Orders'), lookup('Contact_Name', 'Contacts'),
        typed('Invoiced_Items', 'line_items', { required: true, lookupModule: 'Products' }), ...inventoryCommon(),
      ],
    },
    {
      apiName: 'Quotes', id: '5725767000000002203', nameField: 'Subject', minEdition: 'professional',
      defaultDuplicateCheck: [],
      fields: [
        text('Subject', { required: true }), lookup('Account_Name', 'Accounts', { required: true }),
        lookup('Deal_Name', 'Deals'), typed('Valid_Till', 'date'),
        typed('Quoted_Items', 'line_items', { required: true, lookupModule: 'Products' }), ...inventoryCommon(),
      ],
    },
    {
      apiName: 'Deals', id: '5725767000000002181', nameField: 'Deal_Name', minEdition: 'free',
      defaultDuplicateCheck: [],
      fields: [
        text('Deal_Name', { required: true }), typed('Stage', 'picklist', { required: true }), typed('Amount', 'currency'),
        typed('Closing_Date', 'date'), lookup('Account_Name', 'Accounts'), lookup('Contact_Name', 'Contacts'),
        typed('Probability', 'integer'), typed('Type', 'picklist'), typed('Description', 'textarea'),
      ],
    },
  ];
}

/** Fields every record carries and a client may not set. */
export const SYSTEM_FIELDS = new Set(['id', 'Created_Time', 'Modified_Time', 'Created_By', 'Modified_By', 'Owner']);
