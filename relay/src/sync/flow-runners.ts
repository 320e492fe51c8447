import { Injectable } from '@nestjs/common';
import type { FlowRunner } from './flow-runner.js';
import type { FlowKey } from './flow-keys.js';
import { CustomersFlow } from './flows/customers.flow.js';
import { InvoicesFlow } from './flows/invoices.flow.js';
import { PurchaseOrdersFlow } from './flows/purchase-orders.flow.js';
import { ReferenceDataFlow } from './flows/reference-data.flow.js';
import { VendorsFlow } from './flows/vendors.flow.js';

/** Every flow's runner by key; the compiler checks that each key has one. */
@Injectable()
export class FlowRunners {
  private readonly byKey: { [K in FlowKey]: FlowRunner<K> };

  constructor(customers: CustomersFlow, vendors: VendorsFlow, purchaseOrders: PurchaseOrdersFlow, invoices: InvoicesFlow, referenceData: ReferenceDataFlow) {
    this.byKey = {
      'sap-customers-to-zoho-accounts': customers,
      'sap-vendors-zoho-vendors': vendors,
      'zoho-purchase-orders-to-sap': purchaseOrders,
      'zoho-invoices-to-sap-gl': invoices,
      'sap-reference-data-to-zoho': referenceData,
    };
  }

  forKey<K extends FlowKey>(key: K): FlowRunner<K> {
    return this.byKey[key] as FlowRunner<K>;
  }
}
