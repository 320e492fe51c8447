import type { ScopeNeed } from './api-result.js';

const WRITE_OPS = new Set(['CREATE', 'UPDATE', 'DELETE', 'WRITE']);

function opCovers(granted: string, wanted: string): boolean {
  if (granted === 'ALL' || granted === wanted) return true;
  return granted === 'WRITE' && WRITE_OPS.has(wanted);
}

/** Zoho module scopes name modules in lower case without underscores, e.g. ZohoCRM.modules.purchaseorders.ALL. */
function moduleScopeName(module: string): string {
  return module.replaceAll('_', '').toLowerCase();
}

export function scopesAllow(scopes: readonly string[], need: ScopeNeed): boolean {
  const parsed = scopes.map((scope) => scope.split('.'));
  const has = (test: (parts: string[]) => boolean): boolean => parsed.some((parts) => parts[0]?.toLowerCase() === 'zohocrm' && test(parts));
  const modules = (module: string, op: string): boolean =>
    has((parts) => {
      if (parts[1]?.toLowerCase() !== 'modules') return false;
      if (parts.length === 3) return opCovers((parts[2] ?? '').toUpperCase(), op);
      return (parts[2] ?? '').toLowerCase() === moduleScopeName(module) && opCovers((parts[3] ?? '').toUpperCase(), op);
    });
  switch (need.family) {
    case 'modules':
      return modules(need.module, need.op);
    case 'coql':
      return has((parts) => parts[1]?.toLowerCase() === 'coql' && opCovers((parts[2] ?? '').toUpperCase(), 'READ')) && modules(need.module, 'READ');
    case 'notifications':
      return has((parts) => parts[1]?.toLowerCase() === 'notifications' && opCovers((parts[2] ?? '').toUpperCase(), need.op));
    case 'org':
      return has((parts) => ['org', 'settings'].includes(parts[1]?.toLowerCase() ?? '') && opCovers((parts[2] ?? '').toUpperCase(), 'READ'));
  }
}
