import type { Row, RowGenerator } from './table-store.js';

/** mulberry32: tiny, fast, and the same on every platform, so seeds reproduce exactly. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function rowRandom(seed: number, salt: number, i: number): () => number {
  return prng(Math.imul(seed ^ 0x9e3779b1, 0x85ebca6b) ^ Math.imul(i + 1, 0xc2b2ae35) ^ salt);
}

const pick = <T>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)];

const FIRST = ['Nord', 'Süd', 'Alpen', 'Rhein', 'Hansa', 'Atlas', 'Blue', 'Iron', 'Delta', 'Vega', 'Orion', 'Kappa', 'Lumen', 'Prime'];
const SECOND = ['Maschinenbau', 'Logistik', 'Handel', 'Components', 'Industries', 'Supply', 'Chemie', 'Foods', 'Textil', 'Electronics', 'Tools', 'Energy'];
const LEGAL: Record<string, string[]> = { DE: ['GmbH', 'AG', 'KG'], FR: ['SARL', 'SA'], US: ['Inc.', 'LLC'], GB: ['Ltd'], IT: ['S.p.A.', 'S.r.l.'], ES: ['S.L.', 'S.A.'] };
const CITIES: Record<string, Array<[string, string, string]>> = {
  DE: [['Hamburg', '20095', '02'], ['München', '80331', '09'], ['Köln', '50667', '05'], ['Stuttgart', '70173', '08']],
  FR: [['Paris', '75001', '75'], ['Lyon', '69001', '69']],
  US: [['Chicago', '60601', 'IL'], ['Houston', '77002', 'TX'], ['New York', '10001', 'NY']],
  GB: [['London', 'EC1A 1BB', ''], ['Leeds', 'LS1 4AP', '']],
  IT: [['Milano', '20121', 'MI']],
  ES: [['Madrid', '28001', 'M']],
};
const COUNTRIES = ['DE', 'DE', 'DE', 'FR', 'US', 'US', 'GB', 'IT', 'ES'];
const STREETS = ['Hauptstraße', 'Industrieweg', 'Market Street', 'Rue de la Paix', 'Via Roma', 'Calle Mayor', 'Harbour Road'];

export interface Party {
  country: string;
  name: string;
  city: string;
  postalCode: string;
  region: string;
  street: string;
  phone: string;
  vat: string;
  language: string;
  createdOn: string;
}

function party(r: () => number): Party {
  const country = pick(r, COUNTRIES);
  const [city, postalCode, region] = pick(r, CITIES[country]);
  const name = `${pick(r, FIRST)} ${pick(r, SECOND)} ${pick(r, LEGAL[country])}`;
  const year = 2005 + Math.floor(r() * 20);
  const month = String(1 + Math.floor(r() * 12)).padStart(2, '0');
  const day = String(1 + Math.floor(r() * 28)).padStart(2, '0');
  return {
    country, name, city, postalCode, region,
    street: `${pick(r, STREETS)} ${1 + Math.floor(r() * 200)}`,
    phone: `+${Math.floor(r() * 90 + 10)} ${Math.floor(r() * 9e7 + 1e7)}`,
    vat: country === 'US' ? '' : `${country}${Math.floor(r() * 9e8 + 1e8)}`,
    language: country === 'DE' ? 'D' : country === 'FR' ? 'F' : 'E',
    createdOn: `${year}${month}${day}`,
  };
}

export const FIRST_CUSTOMER = 100000;
export const FIRST_VENDOR = 300000;
/** Contact persons (KNVK) are numbered from here; every second customer has one. */
export const FIRST_CONTACT = 500000;

function numberKey(mandt: string, key: string, first: number, count: number, rest: string): number | undefined {
  if (!key.startsWith(mandt) || !key.endsWith(rest) || key.length !== mandt.length + 10 + rest.length) return undefined;
  const digits = key.slice(mandt.length, mandt.length + 10);
  if (!/^\d{10}$/.test(digits)) return undefined;
  const n = Number(digits);
  return Number.isInteger(n) && n >= first && n < first + count ? n - first : undefined;
}

export interface SeedOptions {
  seed: number;
  client: string;
  customers: number;
  vendors: number;
}

type PartyRow = (p: Party, number: string, r: () => number) => Row;

function partyGenerator(o: SeedOptions, first: number, count: number, salt: number, restKey: string, build: PartyRow): RowGenerator {
  return {
    count,
    row: (i) => {
      const r = rowRandom(o.seed, salt, i);
      return build(party(r), String(first + i).padStart(10, '0'), r);
    },
    indexOf: (key) => numberKey(o.client, key, first, count, restKey),
  };
}

const sortl = (name: string): string => name.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 10);

export function customerGenerators(o: SeedOptions): Record<'KNA1' | 'KNB1' | 'KNVV' | 'KNKK' | 'KNVK', RowGenerator> {
  const m = o.client;
  const gen = (rest: string, build: PartyRow): RowGenerator => partyGenerator(o, FIRST_CUSTOMER, o.customers, 0x1111, rest, build);
  return {
    KNA1: gen('', (p, kunnr) => ({
      MANDT: m, KUNNR: kunnr, LAND1: p.country, NAME1: p.name, ORT01: p.city, PSTLZ: p.postalCode, REGIO: p.region,
      SORTL: sortl(p.name), STRAS: p.street, TELF1: p.phone, ERDAT: p.createdOn, ERNAM: 'MIGRATION', KTOKD: '0001',
      SPRAS: p.language, STCEG: p.vat,
    })),
    KNB1: gen('1000', (p, kunnr, r) => ({
      MANDT: m, KUNNR: kunnr, BUKRS: '1000', ERDAT: p.createdOn, ERNAM: 'MIGRATION', AKONT: '0000140000',
      ZWELS: 'T', ZTERM: pick(r, ['0001', 'ZB30', 'NT30']),
    })),
    KNVV: gen('10001000', (p, kunnr, r) => ({
      MANDT: m, KUNNR: kunnr, VKORG: '1000', VTWEG: '10', SPART: '00', ERNAM: 'MIGRATION', ERDAT: p.createdOn,
      KDGRP: '01', INCO1: 'EXW', INCO2: p.city, VSBED: '01', WAERS: p.country === 'US' ? 'USD' : 'EUR',
      ZTERM: pick(r, ['0001', 'ZB30']), VWERK: '1000',
    })),
    KNVK: partyGenerator(o, FIRST_CONTACT, Math.floor(o.customers / 2), 0x3333, '', (p, parnr, r) => {
      const first = pick(r, ['Anna', 'Jonas', 'Marie', 'Lukas', 'Sophie', 'Paul', 'Emma', 'Noah']);
      const last = pick(r, ['Schmidt', 'Müller', 'Dubois', 'Smith', 'Rossi', 'Novak', 'Jansen', 'Berg']);
      return {
        MANDT: m, PARNR: parnr, KUNNR: String(FIRST_CUSTOMER + (Number(parnr) - FIRST_CONTACT) * 2).padStart(10, '0'),
        NAMEV: first, NAME1: last, ABTNR: pick(r, ['0001', '0002', '0003']), PAFKT: pick(r, ['01', '02', '10']),
        TELF1: p.phone, SORTL: last.toUpperCase().slice(0, 10), ANRED: pick(r, ['Mr.', 'Ms.']),
      };
    }),
    KNKK: gen('1000', (p, kunnr, r) => {
      const limit = (5 + Math.floor(r() * 495)) * 1000;
      return {
        MANDT: m, KUNNR: kunnr, KKBER: '1000', KLIMK: limit.toFixed(2), KNKLI: kunnr,
        SKFOR: (Math.floor(r() * limit * 100) / 100).toFixed(2), ERNAM: 'MIGRATION', ERDAT: p.createdOn, CTLPC: '001',
      };
    }),
  };
}

export function vendorGenerators(o: SeedOptions): Record<'LFA1' | 'LFB1' | 'LFM1', RowGenerator> {
  const m = o.client;
  const gen = (rest: string, build: PartyRow): RowGenerator => partyGenerator(o, FIRST_VENDOR, o.vendors, 0x2222, rest, build);
  // Every 97th vendor is blocked for purchasing, so a PO for it fails as on a real system.
  const blocked = (lifnr: string): string => (Number(lifnr) % 97 === 13 ? 'X' : '');
  return {
    LFA1: gen('', (p, lifnr) => ({
      MANDT: m, LIFNR: lifnr, LAND1: p.country, NAME1: p.name, ORT01: p.city, PSTLZ: p.postalCode, REGIO: p.region,
      SORTL: sortl(p.name), STRAS: p.street, ERDAT: p.createdOn, ERNAM: 'MIGRATION', KTOKK: 'KRED',
      SPERM: blocked(lifnr), SPRAS: p.language, TELF1: p.phone, STCEG: p.vat,
    })),
    LFB1: gen('1000', (p, lifnr) => ({
      MANDT: m, LIFNR: lifnr, BUKRS: '1000', ERDAT: p.createdOn, ERNAM: 'MIGRATION', AKONT: '0000160000', ZWELS: 'T',
      ZTERM: '0001', REPRF: 'X',
    })),
    LFM1: gen('1000', (p, lifnr) => ({
      MANDT: m, LIFNR: lifnr, EKORG: '1000', ERDAT: p.createdOn, ERNAM: 'MIGRATION', SPERM: blocked(lifnr),
      WAERS: p.country === 'US' ? 'USD' : 'EUR', ZTERM: '0001', WEBRE: 'X',
    })),
  };
}
