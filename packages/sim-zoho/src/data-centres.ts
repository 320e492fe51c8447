/**
 * Each simulated data centre lives under its own path prefix on one port, so a client that ignores
 * `api_domain` / `accounts-server` hits the wrong "host" exactly as it would against real Zoho.
 */
export const DATA_CENTRES = ['us', 'eu', 'in', 'au', 'jp', 'ca'] as const;
export type DataCentre = (typeof DATA_CENTRES)[number];

export function isDataCentre(value: unknown): value is DataCentre {
  return typeof value === 'string' && (DATA_CENTRES as readonly string[]).includes(value);
}

export interface DataCentreUrls {
  readonly accountsServer: string;
  readonly apiDomain: string;
}

export function dataCentreUrls(baseUrl: string, dc: DataCentre): DataCentreUrls {
  return { accountsServer: `${baseUrl}/dc/${dc}/accounts`, apiDomain: `${baseUrl}/dc/${dc}/api` };
}

export type DcRoute =
  | { readonly kind: 'accounts'; readonly dc: DataCentre; readonly path: string }
  | { readonly kind: 'api'; readonly dc: DataCentre; readonly path: string };

export function parseDcRoute(pathname: string): DcRoute | undefined {
  const match = /^\/dc\/([a-z]+)\/(accounts|api)(\/.*)?$/.exec(pathname);
  if (!match || !isDataCentre(match[1])) return undefined;
  return { kind: match[2] as 'accounts' | 'api', dc: match[1], path: match[3] ?? '/' };
}
