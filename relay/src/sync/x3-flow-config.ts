import { z } from 'zod';

// Mapping configs of the Sage X3 flows; flow-config.ts lists them with the SAP flows' configs.

const zohoField = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,99}$/, 'a Zoho field API name (letters, digits, _)');
const x3Code = (max: number) => z.string().min(1).max(max).regex(/^[A-Z0-9_]+$/, `an X3 code of at most ${max} upper-case characters`);
/** X3 versions name GraphQL fields differently (API-FACTS): the timestamp a poll reads is configurable. */
const x3Field = z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,59}$/, 'an X3 GraphQL field name');

/** Where X3 is reached: an agent site group of the tenant and the agent's sage-x3 profile name. */
const x3Target = {
  site: z.string().min(1).max(100).default('default'),
  x3Profile: z.string().min(1).max(100).default('X3'),
};

const zohoPollMs = z.number().int().min(10_000).max(86_400_000).default(300_000);

export const X3_CUSTOMER_FIELDS = ['name', 'country', 'currency'] as const;
export type X3CustomerField = (typeof X3_CUSTOMER_FIELDS)[number];

export const x3CustomersConfig = z.object({
  ...x3Target,
  zohoPollMs,
  /** A unique custom field holding the X3 customer code: the upsert's duplicate check. */
  keyField: zohoField.default('X3_Customer_Code'),
  fields: z.object({
    name: zohoField.default('Account_Name'),
    country: zohoField.default('Billing_Country'),
    currency: zohoField.default('X3_Currency'),
    /** Read-only in Zoho: X3 owns the credit limit and the customer's status. */
    creditLimit: zohoField.default('X3_Credit_Limit'),
    status: zohoField.default('X3_Status'),
  }).strict().prefault({}),
  /**
   * Inventory availability on the Account, read-only (written from X3, never read back from Zoho).
   * For a sales rep the stock that matters is the stock of what this customer buys, so by default
   * the summary covers the products (ITMREF) on the customer's open sales orders; with `products`
   * set it covers that fixed list instead, for every Account. Per product: the quantity available
   * (on hand minus allocated, never below 0, in the stock unit) summed over the `sites` (all when
   * empty), then the sites that have some, e.g. "BMS001: 120 available (FR011 100, FR012 20);
   * CON001: none available". Empty when there is nothing to show. Refreshed when a stock line or a
   * sales order changes in X3 (both polled by their update timestamp), as well as with the customer.
   */
  inventory: z.object({
    field: zohoField.default('X3_Inventory_Availability'),
    products: z.array(x3Code(20)).max(50).default([]),
    sites: z.array(x3Code(5)).max(50).default([]),
  }).strict().prefault({}),
  /** Who wins a field both sides changed since the last sync; unnamed fields go to the last writer. */
  ownership: z.partialRecord(z.enum(X3_CUSTOMER_FIELDS), z.enum(['x3', 'zoho', 'last_writer'])).default({}),
  /** What a customer created from Zoho gets when the Account does not say. */
  defaultCountry: x3Code(3).default('FR'),
  defaultCurrency: x3Code(3).default('EUR'),
  updatedField: x3Field.default('updateDateTime'),
}).strict();

export const x3DealsConfig = z.object({
  ...x3Target,
  zohoPollMs,
  /** The Deal stage that makes a sales order. */
  stage: z.string().min(1).max(120).default('Closed Won'),
  salesSite: x3Code(5).default('FR011'),
  orderType: x3Code(5).default('SON'),
  /** The X3 product (ITMREF) of the order's one line, priced at the deal's amount. Required to post. */
  product: x3Code(20).optional(),
  /** Fixed currency of the orders; unset = the customer's currency in X3. */
  currency: x3Code(3).optional(),
  /** The Deal field the X3 sales order number is written back to. */
  writeBackField: zohoField.default('X3_Sales_Order'),
}).strict();

export const x3SalesOrdersConfig = z.object({
  ...x3Target,
  /** A unique custom field of Sales_Orders holding the X3 order number: the upsert's duplicate check. */
  keyField: zohoField.default('X3_Order_Number'),
  statusField: zohoField.default('Status'),
  /** X3 order status to the Zoho picklist value. */
  statuses: z.object({ open: z.string().min(1).default('Created'), closed: z.string().min(1).default('Delivered') }).strict().prefault({}),
  updatedField: x3Field.default('updateDateTime'),
}).strict();

export type X3CustomersConfig = z.infer<typeof x3CustomersConfig>;
export type X3DealsConfig = z.infer<typeof x3DealsConfig>;
export type X3SalesOrdersConfig = z.infer<typeof x3SalesOrdersConfig>;
