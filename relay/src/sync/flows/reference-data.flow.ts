import { Injectable } from '@nestjs/common';
import type { FlowRun } from '../flow-run.js';
import type { FlowRunner } from '../flow-runner.js';
import { displayNumber, quote, text } from './sap-values.js';
import { upsertToZoho, type OutboundRecord } from './zoho-writer.js';

type Run = FlowRun<'sap-reference-data-to-zoho'>;

interface ReferenceValue {
  kind: 'company_code' | 'gl_account' | 'payment_terms';
  key: string;
  companyCode: string | null;
  description: string;
  source: Record<string, unknown>;
}

/**
 * SAP reference data -> a custom Zoho module (one record per company code, G/L account of the
 * company codes' chart of accounts, and payment terms key in use), so that both sides pick from the
 * same master. Records are upserted on SAP_Reference_Key ("gl_account:1000:0000400000"); unchanged
 * values are skipped.
 */
@Injectable()
export class ReferenceDataFlow implements FlowRunner<'sap-reference-data-to-zoho'> {
  readonly key = 'sap-reference-data-to-zoho' as const;

  async run(run: Run): Promise<void> {
    const values = await this.read(run);
    const keys = values.map(referenceKey);
    const links = await run.records.ensureLinks(run.tenantId, 'reference', run.flowKey, 'sap', keys);
    const outbound: OutboundRecord[] = values.map((value, i) => {
      const fields = {
        Name: `${label(value.kind)} ${displayNumber(value.key)}${value.description ? ` — ${value.description}` : ''}`.slice(0, 120),
        SAP_Reference_Key: keys[i] as string,
        SAP_Type: value.kind,
        SAP_Key: value.key,
        SAP_Company_Code: value.companyCode,
        SAP_Description: value.description || null,
      };
      return { link: links[i] as OutboundRecord['link'], source: value.source, payload: fields, values: fields };
    });
    for (let at = 0; at < outbound.length; at += 100) await upsertToZoho(run, run.config.module, ['SAP_Reference_Key'], outbound.slice(at, at + 100));
  }

  private async read(run: Run): Promise<ReferenceValue[]> {
    const codes = run.config.companyCodes.map(quote).join(', ');
    const t001 = await run.sap.readAll({ table: 'T001', keyFields: ['BUKRS'], fields: ['BUKRS', 'BUTXT', 'KTOPL', 'WAERS'], where: `BUKRS IN (${codes})` });
    const values: ReferenceValue[] = t001.map((row) => ({ kind: 'company_code', key: text(row, 'BUKRS'), companyCode: null, description: `${text(row, 'BUTXT')} (${text(row, 'WAERS')})`, source: row }));
    const skb1 = await run.sap.readAll({ table: 'SKB1', keyFields: ['BUKRS', 'SAKNR'], fields: ['BUKRS', 'SAKNR', 'WAERS', 'MITKZ'], where: `BUKRS IN (${codes})` });
    const charts = new Map(t001.map((row) => [text(row, 'BUKRS'), text(row, 'KTOPL')]));
    const ska1 = await run.sap.readAll({ table: 'SKA1', keyFields: ['KTOPL', 'SAKNR'], fields: ['KTOPL', 'SAKNR', 'XBILK', 'KTOKS'], where: `KTOPL IN (${[...new Set(charts.values())].map(quote).join(', ') || "''"})` });
    const accounts = new Map(ska1.map((row) => [`${text(row, 'KTOPL')}:${text(row, 'SAKNR')}`, row]));
    for (const row of skb1) {
      const chart = accounts.get(`${charts.get(text(row, 'BUKRS'))}:${text(row, 'SAKNR')}`);
      const kind = text(chart, 'XBILK') === 'X' ? 'balance sheet' : 'P&L';
      values.push({ kind: 'gl_account', key: text(row, 'SAKNR'), companyCode: text(row, 'BUKRS'), description: `${kind}${text(row, 'MITKZ') ? `, reconciliation (${text(row, 'MITKZ')})` : ''}, ${text(row, 'WAERS')}`, source: { ...row, SKA1: chart ?? null } });
    }
    // ECC keeps terms of payment in T052; the keys in use come from the customers' and vendors' company data.
    const terms = new Set<string>();
    for (const table of ['KNB1', 'LFB1'] as const) {
      const key = table === 'KNB1' ? 'KUNNR' : 'LIFNR';
      for (const row of await run.sap.readAll({ table, keyFields: [key, 'BUKRS'], fields: [key, 'BUKRS', 'ZTERM'], where: `BUKRS IN (${codes}) AND ZTERM <> ''` })) terms.add(text(row, 'ZTERM'));
    }
    for (const term of [...terms].sort()) values.push({ kind: 'payment_terms', key: term, companyCode: null, description: '', source: { ZTERM: term } });
    return values;
  }
}

function referenceKey(value: ReferenceValue): string {
  return [value.kind, value.companyCode, value.key].filter(Boolean).join(':');
}

function label(kind: ReferenceValue['kind']): string {
  switch (kind) {
    case 'company_code':
      return 'Company code';
    case 'gl_account':
      return 'G/L account';
    case 'payment_terms':
      return 'Payment terms';
  }
}
