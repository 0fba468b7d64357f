import { api, apiOptional } from '../api.js';
import { h, fill, syncChildren, failed } from '../dom.js';
import { timeEl } from '../format.js';
import { addTexts, name, t } from '../i18n.js';
import { confirmAction } from './confirm.js';
import { eventWord } from '../events.js';

// Shelters (应急避难场所) with occupancy bars against capacity, open/close, each entrance's in/out counts, and
// redirect suggestions for shelters at 80 % or more. Occupancy updates arrive as `shelter` events on the live
// stream. The numbers and the percentage are always written out: the bar's colour is never the only carrier.
addTexts({
  confirmCloseShelter: ['关闭避难所 {name}？前来的人将被引导到其他避难所。', 'Close the shelter {name}? People on their way are sent elsewhere.'],
});

export function sheltersPanel(root, live, onList) {
  let views = [];
  const occupancy = new Map();
  const suggestions = new Map();

  async function load() {
    try {
      const list = await apiOptional('/api/shelters');
      if (list === null) { fill(root, h('p', { class: 'empty', 'data-testid': 'shelters-missing' }, t('notAvailable'))); return; }
      views = list;
      for (const view of views) if (view.occupancy) occupancy.set(view.shelter.id, view.occupancy);
      onList(views.map(v => v.shelter));
      render();
      loadDoors();
    } catch (error) {
      fill(root, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message));
    }
  }

  const doors = h('div', { 'data-testid': 'door-events' });
  const list = h('ul', { class: 'shelters' });
  const rows = new Map();

  // Rows are rebuilt only when what they show changed (see syncChildren): a live count does not take the focus
  // off a button someone is about to press.
  function render() {
    if (!views.length) { fill(root, h('p', { class: 'empty' }, '—')); return; }
    if (list.parentNode !== root) fill(root, list, h('h3', {}, t('doorLog')), doors);
    syncChildren(list, views.map(({ shelter }) => {
      const now = occupancy.get(shelter.id);
      const key = JSON.stringify([shelter, now?.open, now?.occupants, now?.capacity, now?.entrances?.map(e => [e.in, e.out, e.onFallback]), ]);
      const known = rows.get(shelter.id);
      if (known?.key === key) return known.el;
      const el = shelterRow(shelter, now);
      rows.set(shelter.id, { key, el });
      return el;
    }));
  }

  // The newest door events (api/doors/events): passages that moved the counts, and alarms, with device time.
  let doorTimer = null;
  function loadDoors() {
    clearTimeout(doorTimer);
    doorTimer = setTimeout(async () => {
      const [events, devices] = await Promise.all([apiOptional('/api/doors/events?limit=8').catch(() => null), apiOptional('/api/devices?kind=door-access').catch(() => null)]);
      const deviceName = id => name((devices ?? []).find(d => d.id === id)?.name) || t('evt_door');
      if (!events) { fill(doors, h('p', { class: 'empty' }, events === null ? t('notAvailable') : '—')); return; }
      fill(doors, events.length ? h('ol', { class: 'events' }, events.map(e => h('li', { 'data-testid': 'door-event' },
        timeEl(e.at), ` · ${deviceName(e.deviceId)} · `, h('span', { 'data-type': e.type }, eventWord(e.type, 'door')),
        e.direction ? ` · ${t(e.direction === 'in' ? 'in' : 'out')} ${e.count}` : ''))) : h('p', { class: 'empty' }, '—'));
    }, 500);
  }

  function shelterRow(shelter, now) {
    const occupants = now?.occupants ?? 0;
    const capacity = now?.capacity ?? shelter.capacity ?? 0;
    const open = shelter.open;
    const share = capacity > 0 ? occupants / capacity : 0;
    const band = share >= 0.95 ? 'full' : share >= 0.8 ? 'high' : 'ok';
    const status = h('span', { role: 'status' });
    const toggle = async event => {
      const button = event.target;
      // Closing turns people away: it asks first, with a note that goes into the shelter's record.
      const answer = open ? await confirmAction(t('confirmCloseShelter', { name: name(shelter.name) }), { note: true, confirmLabel: t('closeShelter') }) : { note: 'dashboard' };
      if (!answer) return;
      button.disabled = true;
      try {
        const updated = await api(`/api/shelters/${encodeURIComponent(shelter.id)}/state`, { method: 'POST', body: { open: !open, note: answer.note } });
        views = views.map(v => v.shelter.id === shelter.id ? updated : v);
        if (updated.occupancy) occupancy.set(shelter.id, updated.occupancy);
        render();
        // The row was rebuilt with the new state: keep the keyboard where it was.
        rows.get(shelter.id)?.el.querySelector('[data-testid=shelter-toggle]')?.focus();
      } catch (error) {
        failed(status, error);
        button.disabled = false;
      }
    };
    const percent = Math.round(share * 100);
    return h('li', { class: 'shelter-row', 'data-testid': 'shelter', 'data-shelter-id': shelter.id, 'data-open': String(open) },
      h('div', { class: 'shelter-head' }, h('strong', {}, name(shelter.name)), ' ',
        h('span', { class: 'state ' + (open ? 'state-open' : 'state-closed'), 'data-testid': 'shelter-state' }, open ? t('open') : t('closed'))),
      h('div', { class: 'bar bar-' + band, role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': capacity, 'aria-valuenow': occupants,
        'aria-valuetext': `${occupants} / ${capacity} (${percent}%)`, 'aria-label': t('occupancy') },
        h('span', { style: { width: Math.min(100, percent) + '%' } })),
      h('p', { 'data-testid': 'shelter-occupancy' }, `${t('occupancy')} ${occupants} / ${t('capacity')} ${capacity} (${percent}%)`,
        band === 'full' ? ` · ${t('shelterFull')}` : band === 'high' ? ` · ${t('shelterHigh')}` : ''),
      now?.entrances?.length ? h('ul', { class: 'entrances', 'aria-label': t('doorEvents') }, now.entrances.map(e =>
        h('li', {}, `${e.id}: ${t('in')} ${e.in} · ${t('out')} ${e.out}`, e.onFallback ? ` · ${t('onFallback')}` : ''))) : null,
      now?.updatedAt && !now.updatedAt.startsWith('0001') ? h('p', { class: 'muted' }, timeEl(now.updatedAt)) : null,
      h('button', { onclick: toggle, 'data-testid': 'shelter-toggle' }, open ? t('closeShelter') : t('openShelter')), ' ', status,
      band !== 'ok' ? redirectBox(shelter.id) : null);
  }

  function redirectBox(id) {
    const box = h('div', { class: 'suggestions', 'data-testid': 'shelter-redirect' });
    const show = list => fill(box, list.length
      ? [h('strong', {}, t('redirect'), ': '), list.map(s => `${name(s.name)} (${t('free')} ${s.free}, ${s.distanceKm.toFixed(1)} km)`).join('；')]
      : t('noRedirect'));
    if (suggestions.has(id)) show(suggestions.get(id));
    apiOptional(`/api/shelters/redirect?from=${encodeURIComponent(id)}&count=3`).then(found => {
      if (!found) return;
      suggestions.set(id, found);
      show(found);
    }).catch(() => {});
    return box;
  }

  const off = [
    live.on('shelter', item => {
      if (!item?.shelterId) return;
      // Open/closed is the registry's (views); a live snapshot changes it only when it says otherwise.
      views = views.map(v => v.shelter.id === item.shelterId && v.shelter.open !== item.open ? { ...v, shelter: { ...v.shelter, open: item.open } } : v);
      occupancy.set(item.shelterId, item);
      if (views.some(v => v.shelter.id === item.shelterId)) { render(); loadDoors(); } else load();
    }),
    live.onReconnect(load),
  ];
  load();
  return () => { clearTimeout(doorTimer); off.forEach(o => o()); };
}
