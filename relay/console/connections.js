// The Connections page: the tenant's Zoho connection, live over server-sent events. Connecting
// sends the browser through Zoho's consent; the relay's OAuth callback sends it back here.
const $ = (id) => document.getElementById(id);
let events;
let notice;

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '-');

/** Reads (and clears from the address bar) what the OAuth callback reported. */
export function takeOAuthOutcome() {
  const params = new window.URLSearchParams(location.search);
  if (!params.has('zoho') && !params.has('zoho_error')) return undefined;
  window.history.replaceState(null, '', `${location.pathname}#connections`);
  notice = params.has('zoho_error') ? { error: true, text: `Zoho was not connected: ${params.get('zoho_error')}` } : { error: false, text: 'Zoho is connected.' };
  return { tenantId: params.get('tenant') ?? undefined };
}

function fact(term, value) {
  const dt = document.createElement('dt');
  dt.textContent = term;
  const dd = document.createElement('dd');
  dd.textContent = value;
  dd.dataset.fact = term.toLowerCase();
  return [dt, dd];
}

function label(connection) {
  if (!connection) return 'not connected';
  return connection.status.replace('_', ' ');
}

function render(view) {
  const { connection } = view;
  const status = label(connection);
  $('zoho-status').textContent = status;
  $('zoho-status').className = `state ${connection?.status === 'connected' ? 'online' : connection?.status === 'reconnect_required' ? 'offline' : 'revoked'}`;
  const credits = connection?.credits;
  $('zoho-facts').replaceChildren(
    ...(connection
      ? [
          ...fact('Region', connection.region),
          ...fact('Edition', connection.edition),
          ...fact('API domain', connection.api_domain),
          ...fact('Credits used', credits ? `${credits.used_on_this_replica} of ${credits.per_day} per 24 h (this relay replica)` : 'none yet on this relay replica'),
          ...fact('Concurrency', credits ? String(credits.concurrency) : '-'),
          ...fact('Connected', when(connection.connected_at)),
          ...fact('Access token expires', when(connection.access_token_expires_at)),
          ...fact('Last error', connection.last_error ?? '-'),
        ]
      : []),
  );
  const connect = $('zoho-connect');
  connect.textContent = connection && connection.status !== 'disconnected' ? 'Reconnect Zoho' : 'Connect Zoho';
  connect.disabled = !view.configured;
  connect.title = view.configured ? '' : 'This relay has no Zoho client (ZOHO_CLIENT_ID)';
  $('zoho-disconnect').hidden = !connection || connection.status === 'disconnected';
  $('zoho-channels').replaceChildren(
    ...(connection?.channels ?? []).map((channel) => {
      const tr = document.createElement('tr');
      for (const text of [channel.module, channel.channel_id, when(channel.expires_at), when(channel.renewed_at), when(channel.caught_up_at)]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.append(td);
      }
      return tr;
    }),
  );
}

export function closeConnections() {
  events?.close();
  events = undefined;
}

/** Opens the page for `ctx.tenant`; `ctx` is { api, tenant, guarded } from app.js. */
export async function openConnections(ctx) {
  const base = `/tenants/${encodeURIComponent(ctx.tenant)}/zoho`;
  $('zoho-notice').textContent = notice?.text ?? '';
  $('zoho-notice').classList.toggle('error', Boolean(notice?.error));
  notice = undefined;
  $('zoho-connect').onclick = () =>
    ctx.guarded(async () => {
      const started = await ctx.api('POST', `${base}/connect`);
      location.assign(started.authorize_url);
    });
  $('zoho-disconnect').onclick = () => {
    if (!window.confirm('Disconnect Zoho? Watch channels stop and the relay forgets its tokens.')) return;
    void ctx.guarded(() => ctx.api('POST', `${base}/disconnect`));
  };
  render(await ctx.api('GET', base));
  closeConnections();
  events = new EventSource(`/console/api${base}/events`);
  events.addEventListener('zoho', (event) => {
    $('zoho-live').classList.remove('stale');
    render(JSON.parse(event.data));
  });
  events.addEventListener('error', () => $('zoho-live').classList.add('stale'));
}
