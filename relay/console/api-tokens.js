// The API tokens section (owners only): list, create (the token is shown once), revoke.
const $ = (id) => document.getElementById(id);

function cell(text) {
  const td = document.createElement('td');
  td.textContent = text;
  return td;
}

const when = (iso) => (iso ? new Date(iso).toLocaleString() : '-');

function stateOf(token) {
  if (token.revoked_at) return 'revoked';
  if (token.expires_at && Date.parse(token.expires_at) < Date.now()) return 'expired';
  return 'active';
}

/** Shows the tenant's tokens; `ctx` is { api, tenant, guarded } from app.js. */
export async function openApiTokens(ctx) {
  const base = `/tenants/${encodeURIComponent(ctx.tenant)}/api-tokens`;
  const render = async () => {
    const tokens = await ctx.api('GET', base);
    $('api-tokens').replaceChildren(
      ...tokens.map((token) => {
        const tr = document.createElement('tr');
        tr.dataset.token = token.id;
        const state = stateOf(token);
        const stateCell = cell(state);
        stateCell.className = `state ${state === 'active' ? 'online' : 'revoked'}`;
        tr.append(cell(token.name), cell(token.role), cell(`${token.prefix}…`), cell(token.created_by), cell(when(token.created_at)), cell(when(token.expires_at)), cell(when(token.last_used_at)), stateCell);
        const actions = document.createElement('td');
        if (state === 'active') {
          const revoke = document.createElement('button');
          revoke.textContent = 'Revoke';
          revoke.addEventListener('click', () => {
            if (!window.confirm(`Revoke the API token "${token.name}"? Whatever uses it stops working at once.`)) return;
            void ctx.guarded(async () => {
              await ctx.api('POST', `${base}/${token.id}/revoke`);
              await render();
            });
          });
          actions.append(revoke);
        }
        tr.append(actions);
        return tr;
      }),
    );
  };
  $('api-token-form').onsubmit = (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const days = Number(form.get('days'));
    void ctx.guarded(async () => {
      const issued = await ctx.api('POST', base, { name: form.get('name'), role: form.get('role'), ...(days > 0 ? { expires_in_days: days } : {}) });
      $('api-token-output').textContent = issued.token;
      $('api-token-once').hidden = false;
      await render();
    });
  };
  $('api-token-output').textContent = '';
  $('api-token-once').hidden = true;
  await render();
}
