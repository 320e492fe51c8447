import type { DemoSettings } from './demo-settings.js';

export interface NextSteps {
  settings: DemoSettings;
  relayUrl: string;
  adminToken: string;
  agentId: string;
  productId: string;
  vendor: { id: string; name: string; sapNumber: string } | undefined;
  zohoUrl: string;
  sapAdminUrl: string;
  consoleEmail: string;
  consolePassword: string;
}

/** What is running and what to try: a PO made "in Zoho" that turns into a committed SAP PO. */
export function printNextSteps(s: NextSteps): void {
  const admin = `-H 'authorization: Bearer ${s.adminToken}'`;
  const json = `-H 'content-type: application/json'`;
  const readId = `node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).data[0].details.id'`;
  const po = s.vendor
    ? JSON.stringify({ Subject: 'Pumps for line 3', Vendor_Name: { id: s.vendor.id }, Purchase_Items: [{ Product_Name: { id: s.productId }, Quantity: 4, List_Price: 120.5 }] })
    : undefined;
  const tryPo = po && s.vendor
    ? `1. Create a purchase order "in Zoho" (as a Zoho user would; sim-zoho fires the webhook) for
   vendor ${s.vendor.name} (Zoho ${s.vendor.id}, linked to SAP vendor ${s.vendor.sapNumber}):

   PO=$(curl -s ${json} -d '${po}' ${s.zohoUrl}/__admin/records/Purchase_Orders | ${readId}); echo $PO

2. Within a second or two it is a committed PO in SAP (REF_1 holds Z + the Zoho id's last 11 digits):

   curl -s "${s.sapAdminUrl}/purchase-orders?ref=Z\${PO: -11}"

   and the SAP PO number is written back to the Zoho PO (PO_Number):

   curl -s ${s.zohoUrl}/__admin/records/Purchase_Orders | node -pe 'JSON.parse(require("fs").readFileSync(0, "utf8")).data.map((p) => p.id + " -> " + p.PO_Number).join("\\n")'

3. Its journal (every attempt: source snapshot, BAPI payload, SAP's answer, correlation id), also in
   the console's Records page:

   curl -s ${admin} "${s.relayUrl}/v1/tenants/demo/records?q=$PO"
`
    : '1. (No vendor is linked yet: the vendors flow has not run. Restart the demo, or see GET /v1/tenants/demo/flows.)\n';
  process.stdout.write(`
ml-connector demo is running

  console       ${s.relayUrl}/console   login ${s.consoleEmail} / ${s.consolePassword}
  relay API     ${s.relayUrl}   admin token ${s.adminToken}
  sim-zoho      ${s.zohoUrl}   (CRM API, OAuth, admin API under /__admin/)
  sim-sap-ecc   admin API ${s.sapAdminUrl}, RFC on port ${s.settings.sapRfcPort}
  agent         ${s.agentId} (connected; SAP profile ECS-100)
  tenant        demo: Zoho connected, flows 1-5 enabled

Try:
${tryPo}
4. Change a customer in SAP (as a user in SAP GUI would), run the customers delta now, see it in Zoho:

   curl -s -X PATCH ${json} -d '{"KNA1":{"NAME1":"Renamed in SAP GmbH"}}' ${s.sapAdminUrl}/customers/0000100007
   curl -s -X POST ${admin} ${s.relayUrl}/v1/tenants/demo/flows/sap-customers-to-zoho-accounts/run
   curl -s ${admin} "${s.relayUrl}/v1/tenants/demo/runs?flow=sap-customers-to-zoho-accounts&limit=1"

   In the console: Records finds the PO by its Zoho id (or SAP number) with its journal; Runs shows
   each run with its counts; Flows shows the five flows, their schedules and mapping config; Agents
   shows the agent live; Connections the Zoho connection and its watch channels.

Ctrl-C stops everything; state is kept in ${s.settings.dir} (delete it to start afresh).
`);
}
