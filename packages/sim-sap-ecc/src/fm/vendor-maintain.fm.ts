import type { RfcObject } from '../protocol/messages.js';
import { lockObjectOf, planMasterData, type SegmentInput } from '../store/master-data.js';
import { bapiret2, BAPIRET2_FIELDS, type BapiMessage } from './bapi-return.js';
import { fields, str, struct, type FunctionModule } from './fm-types.js';

const LFA1_FIELDS = fields('NAME1 NAME2 LAND1 ORT01 PSTLZ REGIO SORTL STRAS TELF1 SPRAS STCD1 STCEG KTOKK BRSCH ANRED SPERR SPERM LOEVM');
const LFB1_FIELDS = fields('BUKRS AKONT ZTERM ZWELS REPRF ZUAWA SPERR LOEVM');
const LFM1_FIELDS = fields('EKORG WAERS ZTERM INCO1 INCO2 VERKF TELF1 WEBRE SPERM LOEVM');

const msg = (type: BapiMessage['type'], number: string, text: string, v: string[] = [], field = ''): BapiMessage =>
  ({ type, id: 'ZMLC_VENDOR', number, text, v, field });

/** The fields to write: every non-blank one, and a blank one where its flag in the X structure is set (clear it). */
function segment(table: string, value: unknown, flags: unknown): SegmentInput | undefined {
  const cleared = new Set(Object.entries(struct(flags)).filter(([, flag]) => str(flag).trim() === 'X').map(([name]) => name));
  const values = Object.fromEntries(Object.entries(struct(value)).map(([k, v]) => [k, str(v).trim()]).filter(([k, v]) => v !== '' || cleared.has(k)));
  for (const name of cleared) values[name] ??= '';
  return Object.keys(values).length > 0 ? { table, values } : undefined;
}

/**
 * ECC has no released BAPI to create or change a vendor from outside. This models the customer
 * RFC most sites write for it: a thin wrapper around VMD_EI_API=>MAINTAIN_BAPI, taking LFA1/LFB1/
 * LFM1-shaped structures and returning BAPIRET2 messages of its own class. Like a BAPI it does not
 * commit: the caller runs BAPI_TRANSACTION_COMMIT on the same connection, which writes the change
 * document (object class KRED). Over RFC an initial field cannot be told from an absent one, so
 * blank fields mean "no change" unless flagged 'X' in the matching X structure (IS_LFA1X ..., the
 * DATAX convention of SAP's BAPIs): a flagged blank field is cleared.
 */
export function vendorMaintain(name: string): FunctionModule {
  return {
    name,
    signature: {
      I_LIFNR: { dir: 'I' }, I_TESTRUN: { dir: 'I' },
      IS_LFA1: { dir: 'I', fields: LFA1_FIELDS }, IS_LFB1: { dir: 'I', fields: LFB1_FIELDS }, IS_LFM1: { dir: 'I', fields: LFM1_FIELDS },
      IS_LFA1X: { dir: 'I', fields: LFA1_FIELDS }, IS_LFB1X: { dir: 'I', fields: LFB1_FIELDS }, IS_LFM1X: { dir: 'I', fields: LFM1_FIELDS },
      E_LIFNR: { dir: 'E' }, E_CREATED: { dir: 'E' },
      RETURN: { dir: 'T', fields: fields(BAPIRET2_FIELDS) },
    },
    run(ctx, params): RfcObject {
      const sys = ctx.logicalSystem;
      const lifnr = str(params.I_LIFNR).trim();
      const segments = [segment('LFA1', params.IS_LFA1, params.IS_LFA1X), segment('LFB1', params.IS_LFB1, params.IS_LFB1X), segment('LFM1', params.IS_LFM1, params.IS_LFM1X)]
        .filter((s): s is SegmentInput => !!s);
      const fail = (m: BapiMessage): RfcObject => ({ RETURN: [bapiret2(m, sys)] });
      if (segments.length === 0) return fail(msg('E', '002', 'No vendor data transferred'));
      if (lifnr) {
        const holder = ctx.enqueue.holder(lockObjectOf('vendor', lifnr.padStart(10, '0')));
        if (holder && holder.sessionId !== ctx.luw.id) return fail(msg('E', '003', 'Vendor &1 is currently being processed by user &2', [lifnr.padStart(10, '0'), holder.user]));
      }
      const plan = planMasterData(ctx.db, 'vendor', { number: lifnr, segments, user: ctx.luw.user });
      if (!plan.ok) return fail(msg('E', plan.reason === 'not-found' ? '004' : '005', plan.message, [], plan.field ?? ''));
      const done = msg('S', '001', plan.created ? 'Vendor &1 created' : 'Vendor &1 changed', [plan.number]);
      if (str(params.I_TESTRUN).trim() === 'X') return { RETURN: [bapiret2({ ...done, text: 'Vendor data checked, no errors' }, sys)] };
      ctx.enqueue.lock(plan.lockObject, { sessionId: ctx.luw.id, user: ctx.luw.user });
      ctx.luw.onCommit(() => {
        plan.apply();
      });
      return { RETURN: [bapiret2(done, sys)], E_LIFNR: plan.number, E_CREATED: plan.created ? 'X' : '' };
    },
  };
}
