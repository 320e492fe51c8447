import type { BapiMessage, MsgType } from './bapi-return.js';

/*
 * Messages of the purchase-order BAPIs. Modelled on real ones: BAPI 001 (no instance created),
 * MEPO 002 (header data still faulty), 06 017 (created under the number), ME 006 (object locked by
 * a user) and M3 305 (material does not exist). The other numbers are plausible but unverified: a
 * client should act on TYPE and the text, never on a number alone.
 */
type Template = { type: MsgType; id: string; number: string; text: string };

const T = {
  noInstance: { type: 'E', id: 'BAPI', number: '001', text: 'No instance of object type PurchaseOrder has been created. External reference: &1' },
  headerFaulty: { type: 'E', id: 'MEPO', number: '002', text: 'PO header data still faulty' },
  itemFaulty: { type: 'E', id: 'MEPO', number: '001', text: 'Purchase order item &1 still contains faulty data' },
  created: { type: 'S', id: '06', number: '017', text: '&1 created under the number &2' },
  locked: { type: 'E', id: 'ME', number: '006', text: 'User &1 already processing &2 &3' },
  enter: { type: 'E', id: 'ME', number: '083', text: 'Enter &1' },
  vendorMissing: { type: 'E', id: '06', number: '042', text: 'Vendor &1 does not exist' },
  vendorBlocked: { type: 'E', id: '06', number: '339', text: 'Vendor &1 is blocked for purchasing' },
  vendorNoPorg: { type: 'E', id: '06', number: '043', text: 'Vendor &1 not created for purchasing organization &2' },
  companyCode: { type: 'E', id: '06', number: '250', text: 'Company code &1 does not exist' },
  docType: { type: 'E', id: '06', number: '258', text: 'Document type &1 not allowed with doc. category F' },
  noItems: { type: 'E', id: '06', number: '171', text: 'No items entered' },
  noItemX: { type: 'E', id: 'BAPI', number: '006', text: 'POITEMX is missing for item &1: no field of the item was transferred' },
  material: { type: 'E', id: 'M3', number: '305', text: 'The material &1 does not exist or is not activated' },
  plant: { type: 'E', id: 'ME', number: '034', text: 'Plant &1 does not exist' },
  materialPlant: { type: 'E', id: 'M3', number: '351', text: 'Material &1 is not maintained in plant &2' },
  quantity: { type: 'E', id: '06', number: '225', text: 'Enter a quantity for item &1' },
  price: { type: 'E', id: '06', number: '218', text: 'Net price must be greater than 0 (item &1)' },
  dateFormat: { type: 'E', id: '00', number: '065', text: 'Enter date in the format &1 (item &2)' },
  poMissing: { type: 'E', id: '06', number: '019', text: 'Purchase order &1 does not exist' },
} as const satisfies Record<string, Template>;

export type PoMessageKey = keyof typeof T;

export function poMessage(key: PoMessageKey, v: string[] = [], extra: Partial<BapiMessage> = {}): BapiMessage {
  return { ...T[key], v, ...extra };
}
