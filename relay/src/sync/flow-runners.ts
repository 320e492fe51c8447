import { Injectable } from '@nestjs/common';
import type { FlowRunner } from './flow-runner.js';
import type { FlowKey } from './flow-keys.js';
import { CustomersFlow } from './flows/customers.flow.js';
import { InvoicesFlow } from './flows/invoices.flow.js';
import { PurchaseOrdersFlow } from './flows/purchase-orders.flow.js';
import { ReferenceDataFlow } from './flows/reference-data.flow.js';
import { VendorsFlow } from './flows/vendors.flow.js';
import { X3CustomersFlow } from './flows/x3-customers.flow.js';
import { X3DealsFlow } from './flows/x3-deals.flow.js';
import { X3SalesOrdersFlow } from './flows/x3-sales-orders.flow.js';

/** Every flow's runner by key; the compiler checks that each key has one. */
@Injectable()
export class FlowRunners {
  private readonly byKey: { [K in FlowKey]: FlowRunner<K> };

  constructor(customers: CustomersFlow, vendors: VendorsFlow, purchaseOrders: PurchaseOrdersFlow, invoices: InvoicesFlow, referenceData: ReferenceDataFlow,
    x3Customers: X3CustomersFlow, x3Deals: X3DealsFlow, x3SalesOrders: X3SalesOrdersFlow) {
    this.byKey = {
      'sap-customers-to-zoho-accounts': customers,
      'sap-vendors-zoho-vendors': vendors,
      'zoho-purchase-orders-to-sap': purchaseOrders,
      'zoho-invoices-to-sap-gl': invoices,
      'sap-reference-data-to-zoho': referenceData,
      'x3-customers-zoho-accounts': x3Customers,
      'zoho-deals-to-x3-sales-orders': x3Deals,
      'x3-sales-orders-to-zoho': x3SalesOrders,
    };
  }

  forKey<K extends FlowKey>(key: K): FlowRunner<K> {
    return this.byKey[key] as FlowRunner<K>;
  }
}
