import type { X3Connection, X3Site } from '../x3-site.js';

// The X3 GraphQL documents the flows use (Syracuse dialect, as sim-sage-x3 and API-FACTS give it).
// The update timestamp's field name differs between X3 versions, so it is spliced in from config.

export interface X3CustomerNode {
  code: string;
  companyName: string;
  country: string;
  currency: string;
  creditLimit: number;
  isActive: boolean;
  /** The configured update timestamp, copied here whatever its name in X3. */
  updatedAt: string;
}

export interface X3OrderNode {
  id: string;
  salesSite: string;
  soldToCustomer: string;
  orderDate: string;
  customerOrderReference: string;
  currency: string;
  orderStatus: string;
  lines: Array<{ product: string; quantityInSalesUnitOrdered: number; grossPrice: number }>;
  updatedAt: string;
}

/** A stock line (read-only): what is on hand at a site and how much of it orders already hold. */
export interface X3StockNode {
  stockSite: string;
  product: string;
  quantityInStockUnit: number;
  allocatedQuantity: number;
  updatedAt: string;
}

/** Nodes per page: X3 caps `first` (1,000 in the simulator's default). */
export const X3_PAGE = 1_000;

const CUSTOMER_NODE = 'code companyName country currency creditLimit isActive';
const ORDER_NODE = 'id salesSite soldToCustomer orderDate customerOrderReference currency orderStatus lines { product quantityInSalesUnitOrdered grossPrice }';

const STOCK_NODE = 'stockSite product quantityInStockUnit allocatedQuantity';

type Customers = { sage: { x3BusinessPartners: { customer: X3Connection<Record<string, unknown>> } } };
type Orders = { sage: { x3Sales: { salesOrder: X3Connection<Record<string, unknown>> } } };
type Stock = { sage: { x3StockData: { stock: X3Connection<Record<string, unknown>> } } };

function withUpdatedAt<N>(connection: X3Connection<Record<string, unknown>>, updatedField: string): X3Connection<N> {
  return { ...connection, edges: connection.edges.map((edge) => ({ ...edge, node: { ...edge.node, updatedAt: String(edge.node[updatedField] ?? '') } as N })) };
}

/** Customers matching a Mongo-style filter (all when none), in `orderBy` order, page by page. */
export function customerPages(x3: X3Site, updatedField: string, filter: string | null, orderBy: string | null): AsyncGenerator<X3CustomerNode[]> {
  const document = `query($filter: String, $orderBy: String, $first: Int, $after: String) { sage { x3BusinessPartners { customer(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { node { ${CUSTOMER_NODE} ${updatedField} } cursor } pageInfo { endCursor hasNextPage } } } } }`;
  return x3.pages<Customers, X3CustomerNode>(document, { filter, orderBy }, (data) => withUpdatedAt(data.sage.x3BusinessPartners.customer, updatedField), X3_PAGE);
}

export function orderPages(x3: X3Site, updatedField: string, filter: string | null, orderBy: string | null): AsyncGenerator<X3OrderNode[]> {
  const document = `query($filter: String, $orderBy: String, $first: Int, $after: String) { sage { x3Sales { salesOrder(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { node { ${ORDER_NODE} ${updatedField} } cursor } pageInfo { endCursor hasNextPage } } } } }`;
  return x3.pages<Orders, X3OrderNode>(document, { filter, orderBy }, (data) => withUpdatedAt(data.sage.x3Sales.salesOrder, updatedField), X3_PAGE);
}

/** Stock lines (`x3StockData.stock`) matching a filter, page by page. */
export function stockPages(x3: X3Site, updatedField: string, filter: string | null, orderBy: string | null): AsyncGenerator<X3StockNode[]> {
  const document = `query($filter: String, $orderBy: String, $first: Int, $after: String) { sage { x3StockData { stock(filter: $filter, orderBy: $orderBy, first: $first, after: $after) {
    edges { node { ${STOCK_NODE} ${updatedField} } cursor } pageInfo { endCursor hasNextPage } } } } }`;
  return x3.pages<Stock, X3StockNode>(document, { filter, orderBy }, (data) => withUpdatedAt(data.sage.x3StockData.stock, updatedField), X3_PAGE);
}

const GROUP_OF = { customer: 'x3BusinessPartners', salesOrder: 'x3Sales', stock: 'x3StockData' } as const;

/** The newest update timestamp of customers, sales orders or stock lines, on X3's clock; undefined when there are none. */
export async function latestUpdate(x3: X3Site, kind: keyof typeof GROUP_OF, updatedField: string): Promise<string | undefined> {
  const group = GROUP_OF[kind];
  const document = `query($orderBy: String) { sage { ${group} { ${kind}(orderBy: $orderBy, first: 1) { edges { node { ${updatedField} } } } } } }`;
  const data = await x3.query<{ sage: Record<string, Record<string, { edges: Array<{ node: Record<string, unknown> }> }>> }>(document, { orderBy: `{${updatedField}:-1}` });
  const node = data.sage[group]?.[kind]?.edges[0]?.node;
  return node ? String(node[updatedField]) : undefined;
}

export async function collect<N>(pages: AsyncGenerator<N[]>): Promise<N[]> {
  const all: N[] = [];
  for await (const page of pages) all.push(...page);
  return all;
}

/** A Mongo-style filter string; values are quoted as X3 filters quote them. */
export function x3Quote(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

export function inFilter(field: string, values: readonly string[]): string {
  return `{${field}:{$in:[${values.map(x3Quote).join(',')}]}}`;
}

export const CREATE_CUSTOMER = `mutation($data: CustomerInput!) { sage { x3BusinessPartners { customer { create(data: $data) { ${CUSTOMER_NODE} } } } } }`;
export const UPDATE_CUSTOMER = `mutation($code: String!, $data: CustomerUpdateInput!) { sage { x3BusinessPartners { customer { update(code: $code, data: $data) { ${CUSTOMER_NODE} } } } } }`;
export const CREATE_ORDER = `mutation($data: SalesOrderInput!) { sage { x3Sales { salesOrder { create(data: $data) { id customerOrderReference } } } } }`;
