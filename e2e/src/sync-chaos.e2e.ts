import { expect } from 'chai';
import { eventually, sleep, SyncStack } from './harness/sync-stack.js';

type Json = Record<string, unknown>;

const PURCHASE_ORDERS = 200;

describe('chaos: 200 Zoho POs while the agent and the relay are killed (-9) and SAP drops connections', () => {
  let stack: SyncStack;

  before(async () => {
    stack = await SyncStack.start({ customers: 20, vendors: 20 });
    await stack.enableFlow('sap-vendors-zoho-vendors');
    await stack.enableFlow('zoho-purchase-orders-to-sap', { defaultMaterial: 'SIM-PUMP-01', zohoPollMs: 10_000 }, 5_000);
  });
  after(async () => {
    await stack?.stop();
  });

  it('ends with exactly one committed SAP PO per Zoho PO, each number written back, and no dead letters', async function () {
    this.timeout(600_000);
    const vendors = (await stack.zohoRecords('Vendors')).filter((v) => typeof v['SAP_Vendor_Number'] === 'string' && Number(v['SAP_Vendor_Number']) % 97 !== 13);
    const product = await stack.zohoCreate('Products', { Product_Name: 'Chaos pump' });
    await stack.sapAdmin('PUT', '/faults', { communicationFailureRate: 0.05, latencyMs: 5 });

    let posting = true;
    const kills: string[] = [];
    const chaos = (async () => {
      // Alternate victims at random moments while POs are being created and posted.
      for (let round = 0; posting || round < 6; round += 1) {
        await sleep(1_500 + Math.random() * 2_500);
        if (round % 2 === 0) {
          await stack.restartAgent('SIGKILL');
          kills.push('agent');
        } else {
          await stack.restartRelay('SIGKILL');
          kills.push('relay');
        }
        if (round >= 7) break;
      }
    })();
    const ids: string[] = [];
    for (let i = 0; i < PURCHASE_ORDERS; i += 1) {
      const vendor = vendors[i % vendors.length] as Json;
      ids.push(await stack.zohoCreate('Purchase_Orders', {
        Subject: `Chaos PO ${i}`, Vendor_Name: { id: vendor['id'] },
        Purchase_Items: [{ Product_Name: { id: product }, Quantity: 1 + (i % 5), List_Price: 10 + i }],
      }));
      await sleep(60);
    }
    posting = false;
    await chaos;
    await stack.sapAdmin('PUT', '/faults', { communicationFailureRate: 0, latencyMs: 0 });
    expect(kills.filter((k) => k === 'agent').length).to.be.at.least(3);
    expect(kills.filter((k) => k === 'relay').length).to.be.at.least(3);

    const posted = await eventually('every Zoho PO carrying its SAP number', async () => {
      // A dead letter never gets its number: say so now, with its reason, instead of waiting out the clock.
      const dead = await stack.api('GET', '/records?status=dead&flow=zoho-purchase-orders-to-sap');
      expect(dead.body['records'], `dead letters: ${JSON.stringify(dead.body)}`).to.deep.equal([]);
      const pos = (await stack.zohoRecords('Purchase_Orders')).filter((po) => ids.includes(String(po['id'])));
      return pos.every((po) => typeof po['PO_Number'] === 'string') ? pos : undefined;
    }, 300_000);

    const ekko = (await stack.sapAdmin('GET', `/tables/EKKO?where=${encodeURIComponent("IHREZ LIKE 'Z%'")}&max=10000`))['rows'] as Json[];
    const byReference = new Map<string, Json[]>();
    for (const row of ekko) byReference.set(String(row['IHREZ']), [...(byReference.get(String(row['IHREZ'])) ?? []), row]);
    for (const po of posted) {
      const rows = byReference.get(`Z${String(po['id']).slice(-11)}`) ?? [];
      expect(rows, `SAP POs for Zoho PO ${String(po['id'])}`).to.have.length(1);
      expect(rows[0]?.['EBELN']).to.equal(po['PO_Number']);
    }
    expect(ekko).to.have.length(PURCHASE_ORDERS);

    const dead = await stack.api('GET', '/records?status=dead&flow=zoho-purchase-orders-to-sap');
    expect(dead.body['records'], JSON.stringify(dead.body)).to.deep.equal([]);
  });
});
