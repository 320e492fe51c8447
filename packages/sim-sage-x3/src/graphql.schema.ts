import { buildSchema, GraphQLError, type GraphQLSchema } from 'graphql';
import { afterCursor, compareBy, cursorOf, parseFilter, parseOrderBy, type Node } from './graphql-filter.js';
import { x3DateTime } from './sim-clock.js';
import type { StockLine } from './x3-stock.js';
import { X3BusinessError, X3LockError, type Customer, type CustomerInput, type SalesOrder, type X3Store } from './x3-store.js';

/**
 * The Syracuse GraphQL dialect, as far as the connector uses it: customers and sales orders under
 * `sage { x3BusinessPartners { customer } }` and `sage { x3Sales { salesOrder } }`, stock lines
 * (read-only) under `sage { x3StockData { stock } }`, Relay-style
 * connections (edges/node/cursor, pageInfo), Mongo-style filter strings, and mutations
 * `customer { create, update }`, `salesOrder { create }`.
 */
export const SDL = /* GraphQL */ `
  type Query { sage: SageQuery! }
  type Mutation { sage: SageMutation! }

  type SageQuery { x3BusinessPartners: X3BusinessPartnersQuery!  x3Sales: X3SalesQuery!  x3StockData: X3StockDataQuery! }
  type X3BusinessPartnersQuery { customer(filter: String, orderBy: String, first: Int, after: String): CustomerConnection! }
  type X3SalesQuery { salesOrder(filter: String, orderBy: String, first: Int, after: String): SalesOrderConnection! }
  type X3StockDataQuery { stock(filter: String, orderBy: String, first: Int, after: String): StockConnection! }

  type PageInfo { endCursor: String  hasNextPage: Boolean! }
  type CustomerConnection { edges: [CustomerEdge!]!  pageInfo: PageInfo!  totalCount: Int! }
  type CustomerEdge { node: Customer!  cursor: String! }
  type SalesOrderConnection { edges: [SalesOrderEdge!]!  pageInfo: PageInfo!  totalCount: Int! }
  type SalesOrderEdge { node: SalesOrder!  cursor: String! }
  type StockConnection { edges: [StockEdge!]!  pageInfo: PageInfo!  totalCount: Int! }
  type StockEdge { node: Stock!  cursor: String! }

  type Customer {
    code: String!  companyName: String!  shortName: String!  country: String!  currency: String!
    creditLimit: Float!  isActive: Boolean!  createUser: String!  updateUser: String!
    createDateTime: String!  updateDateTime: String!
  }
  type SalesOrderLine { product: String!  quantityInSalesUnitOrdered: Float!  salesUnit: String!  grossPrice: Float! }
  type SalesOrder {
    id: String!  orderType: String!  salesSite: String!  soldToCustomer: String!  orderDate: String!
    customerOrderReference: String!  currency: String!  orderStatus: String!  lines: [SalesOrderLine!]!
    createDateTime: String!  updateDateTime: String!
  }
  "One stock line per product and site here; X3's own node also splits by location, lot and status."
  type Stock {
    stockId: Int!  stockSite: String!  product: String!  stockUnit: String!  quantityInStockUnit: Float!  allocatedQuantity: Float!
    createUser: String!  updateUser: String!  createDateTime: String!  updateDateTime: String!
  }

  type SageMutation { x3BusinessPartners: X3BusinessPartnersMutation!  x3Sales: X3SalesMutation! }
  type X3BusinessPartnersMutation { customer: CustomerMutation! }
  type X3SalesMutation { salesOrder: SalesOrderMutation! }
  type CustomerMutation {
    create(data: CustomerInput!): Customer
    update(code: String!, data: CustomerUpdateInput!): Customer
  }
  type SalesOrderMutation { create(data: SalesOrderInput!): SalesOrder }

  input CustomerInput { code: String  companyName: String!  shortName: String  country: String  currency: String  creditLimit: Float  isActive: Boolean }
  input CustomerUpdateInput { companyName: String  shortName: String  country: String  currency: String  creditLimit: Float  isActive: Boolean }
  input SalesOrderLineInput { product: String!  quantityInSalesUnitOrdered: Float!  salesUnit: String  grossPrice: Float }
  input SalesOrderInput {
    salesSite: String!  soldToCustomer: String!  orderDate: String!  currency: String
    customerOrderReference: String  orderType: String  lines: [SalesOrderLineInput!]!
  }
`;

export const schema: GraphQLSchema = buildSchema(SDL);

/** What a request's resolvers may use: who is calling, and where to put "success, but..." messages. */
export interface GraphqlContext {
  store: X3Store;
  user: string;
  maxPageSize: number;
  /** Messages X3 returns beside a committed result (the "success with errors" trap). */
  diagnoses: Array<{ severity: 'error' | 'warning'; message: string }>;
  /** True when the next mutation should commit but report an error message with it. */
  takeSuccessWithErrors: () => boolean;
}

function customerNode(c: Customer): Node {
  return {
    code: c.BPCNUM, companyName: c.BPCNAM, shortName: c.BPCSHO, country: c.CRY, currency: c.CUR, creditLimit: c.OSTAUZ, isActive: c.BPCSTA === 2,
    createUser: c.CREUSR, updateUser: c.UPDUSR, createDateTime: x3DateTime(c.CREDATTIM), updateDateTime: x3DateTime(c.UPDDATTIM),
  };
}

function orderNode(o: SalesOrder): Node {
  return {
    id: o.SOHNUM, orderType: o.SOHTYP, salesSite: o.SALFCY, soldToCustomer: o.BPCORD, orderDate: o.ORDDAT, customerOrderReference: o.CUSORDREF, currency: o.CUR,
    orderStatus: o.ORDSTA === 1 ? 'open' : 'closed', createDateTime: x3DateTime(o.CREDATTIM), updateDateTime: x3DateTime(o.UPDDATTIM),
    lines: o.lines.map((l) => ({ product: l.ITMREF, quantityInSalesUnitOrdered: l.QTY, salesUnit: l.SAU, grossPrice: l.GROPRI })),
  };
}

function stockNode(l: StockLine): Node {
  return {
    stockId: l.STOCOU, stockSite: l.STOFCY, product: l.ITMREF, stockUnit: l.STU, quantityInStockUnit: l.QTYSTU, allocatedQuantity: l.CUMALLQTY,
    createUser: l.CREUSR, updateUser: l.UPDUSR, createDateTime: x3DateTime(l.CREDATTIM), updateDateTime: x3DateTime(l.UPDDATTIM),
  };
}

const CUSTOMER_FIELDS = new Set(Object.keys(customerNode({ BPCNUM: '', BPCNAM: '', BPCSHO: '', CRY: '', CUR: '', OSTAUZ: 0, BPCSTA: 2, CREUSR: '', UPDUSR: '', CREDATTIM: 0, UPDDATTIM: 0, uuid: '', etag: 0 })));
const STOCK_FIELDS = new Set(['stockId', 'stockSite', 'product', 'stockUnit', 'quantityInStockUnit', 'allocatedQuantity', 'createUser', 'updateUser', 'createDateTime', 'updateDateTime']);
const ORDER_FIELDS = new Set(['id', 'orderType', 'salesSite', 'soldToCustomer', 'orderDate', 'customerOrderReference', 'currency', 'orderStatus', 'createDateTime', 'updateDateTime']);

interface PageArgs {
  filter?: string | null;
  orderBy?: string | null;
  first?: number | null;
  after?: string | null;
}

function connection(nodes: Node[], fields: ReadonlySet<string>, key: string, args: PageArgs, maxPageSize: number): Node {
  const predicate = parseFilter(args.filter, fields);
  const sort = parseOrderBy(args.orderBy, fields, key);
  let matching = nodes.filter(predicate).sort(compareBy(sort));
  const totalCount = matching.length;
  if (args.after) matching = matching.filter(afterCursor(args.after, sort));
  const first = Math.min(args.first ?? 20, maxPageSize);
  if (first < 0) throw new GraphQLError('first must not be negative');
  const page = matching.slice(0, first);
  const edges = page.map((node) => ({ node, cursor: cursorOf(node, sort) }));
  return { edges, totalCount, pageInfo: { endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: matching.length > first } };
}

/** X3 refusals as GraphQL errors carrying X3's message; anything else is a bug and propagates. */
function guarded<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof X3BusinessError || error instanceof X3LockError) {
      throw new GraphQLError(error.message, { extensions: { diagnoses: [{ severity: 'error', message: error.message }] } });
    }
    throw error;
  }
}

function customerInput(data: Record<string, unknown>): CustomerInput {
  return {
    BPCNUM: data['code'] as string | undefined, BPCNAM: data['companyName'] as string | undefined, BPCSHO: data['shortName'] as string | undefined,
    CRY: data['country'] as string | undefined, CUR: data['currency'] as string | undefined, OSTAUZ: data['creditLimit'] as number | undefined,
    BPCSTA: data['isActive'] === undefined ? undefined : data['isActive'] ? 2 : 1,
  };
}

/** After a committed mutation: maybe add the error message X3 sometimes sends with a success. */
function committed(ctx: GraphqlContext, node: Node, what: string): Node {
  if (ctx.takeSuccessWithErrors()) ctx.diagnoses.push({ severity: 'error', message: `${what}: saved, but the follow-up processing failed (text block not written)` });
  return node;
}

/** The root value: nested functions, which graphql-js's default resolver calls with (args, context). */
export const rootValue = {
  sage: () => ({
    x3BusinessPartners: () => ({
      customer: (args: PageArgs, ctx: GraphqlContext) => guarded(() => connection(ctx.store.allCustomers().map(customerNode), CUSTOMER_FIELDS, 'code', args, ctx.maxPageSize)),
    }),
    x3Sales: () => ({
      salesOrder: (args: PageArgs, ctx: GraphqlContext) => guarded(() => connection(ctx.store.allOrders().map(orderNode), ORDER_FIELDS, 'id', args, ctx.maxPageSize)),
    }),
    x3StockData: () => ({
      stock: (args: PageArgs, ctx: GraphqlContext) => guarded(() => connection(ctx.store.stock.all().map(stockNode), STOCK_FIELDS, 'stockId', args, ctx.maxPageSize)),
    }),
  }),
};

export const mutationRoot = {
  sage: () => ({
    x3BusinessPartners: () => ({
      customer: () => ({
        create: ({ data }: { data: Record<string, unknown> }, ctx: GraphqlContext) => guarded(() => {
          const customer = ctx.store.createCustomer(customerInput(data), ctx.user);
          return committed(ctx, customerNode(customer), `Customer ${customer.BPCNUM}`);
        }),
        update: ({ code, data }: { code: string; data: Record<string, unknown> }, ctx: GraphqlContext) => guarded(() => {
          const customer = ctx.store.updateCustomer(code, customerInput(data), ctx.user);
          return committed(ctx, customerNode(customer), `Customer ${code}`);
        }),
      }),
    }),
    x3Sales: () => ({
      salesOrder: () => ({
        create: ({ data }: { data: Record<string, unknown> }, ctx: GraphqlContext) => guarded(() => {
          const lines = (data['lines'] as Array<Record<string, unknown>>).map((l) => ({ ITMREF: String(l['product']), QTY: Number(l['quantityInSalesUnitOrdered']), SAU: String(l['salesUnit'] ?? 'UN'), GROPRI: Number(l['grossPrice'] ?? 0) }));
          const order = ctx.store.createOrder({
            SALFCY: String(data['salesSite']), BPCORD: String(data['soldToCustomer']), ORDDAT: String(data['orderDate']), CUR: String(data['currency'] ?? ''),
            CUSORDREF: data['customerOrderReference'] as string | undefined, SOHTYP: data['orderType'] as string | undefined, lines,
          }, ctx.user);
          return committed(ctx, orderNode(order), `Sales order ${order.SOHNUM}`);
        }),
      }),
    }),
  }),
};
