import { api, apiOptional } from '../api.js';
import { h, fill } from '../dom.js';
import { name, t } from '../i18n.js';

// Shelters (应急避难场所) with occupancy bars against capacity, open/close, and redirect suggestions for full
// ones. Occupancy updates arrive as `shelter` events on the live stream. The percentage is always written out,
// so the bar's colour is never the only carrier of meaning.
export function sheltersPanel(root, live, onList) {
  let shelters = [];
  const occupancy = new Map();

  async function load() {
    try {
      const list = await apiOptional('/api/shelters');
      if (list === null) { fill(root, h('p', { class: 'empty', 'data-testid': 'shelters-missing' }, t('notAvailable'))); return; }
      shelters = Array.isArray(list) ? list : list.items ?? [];
      const summary = await apiOptional('/api/shelters/occupancy').catch(() => null);
      for (const item of (Array.isArray(summary) ? summary : summary?.items) ?? []) occupancy.set(item.shelterId, item);
      onList(shelters);
      render();
    } catch (error) {
      fill(root, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message));
    }
  }

  function render() {
    if (!shelters.length) { fill(root, h('p', { class: 'empty' }, '—')); return; }
    fill(root, h('ul', { class: 'shelters' }, shelters.map(shelter => {
      const now = occupancy.get(shelter.id);
      const occupants = now?.occupants ?? 0;
      const capacity = now?.capacity ?? shelter.capacity ?? 0;
      const open = now?.open ?? shelter.open;
      const share = capacity > 0 ? occupants / capacity : 0;
      const band = share >= 0.95 ? 'full' : share >= 0.8 ? 'high' : 'ok';
      const status = h('span', { role: 'status' });
      const toggle = async () => {
        try {
          await api(`/api/shelters/${encodeURIComponent(shelter.id)}/${open ? 'close' : 'open'}`, { method: 'POST', body: {} });
          await load();
        } catch (error) { fill(status, error.message); }
      };
      return h('li', { class: 'shelter-row', 'data-testid': 'shelter', 'data-shelter-id': shelter.id },
        h('div', { class: 'shelter-head' }, h('strong', {}, name(shelter.name)), ' ',
          h('span', { class: 'state ' + (open ? 'state-open' : 'state-closed') }, open ? t('open') : t('closed'))),
        h('div', { class: 'bar bar-' + band, role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': capacity, 'aria-valuenow': occupants, 'aria-label': t('occupancy') },
          h('span', { style: { width: Math.min(100, Math.round(share * 100)) + '%' } })),
        h('p', {}, `${t('occupancy')} ${occupants} / ${t('capacity')} ${capacity} (${Math.round(share * 100)}%)`),
        h('button', { onclick: toggle }, open ? t('closeShelter') : t('openShelter')), ' ', status,
        band !== 'ok' ? suggestions(shelter.id) : null);
    })));
  }

  function suggestions(id) {
    const box = h('div', { class: 'suggestions' });
    apiOptional(`/api/shelters/${encodeURIComponent(id)}/suggestions`).then(list => {
      if (!list?.length) return;
      fill(box, h('p', {}, t('redirect'), ': ', list.map(s => `${name(s.name)} (${s.free} · ${s.distanceKm?.toFixed?.(1) ?? '?'} km)`).join('; ')));
    }).catch(() => {});
    return box;
  }

  const off = [
    live.on('shelter', item => { if (item?.shelterId) { occupancy.set(item.shelterId, item); render(); } }),
    live.onReconnect(load),
  ];
  load();
  return () => off.forEach(o => o());
}
