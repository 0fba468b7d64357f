import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { levelBadge, number } from '../format.js';
import { name, pick, t } from '../i18n.js';
import { AlertCards, OpenAlerts } from '../components/alerts.js';
import { sitePlan } from '../components/siteplan.js';

// The guard's phone: the open alerts of my cells, one tap to acknowledge, the evidence (snapshot, the spot's
// readings) and the way to the place (where it is in the grid, a small plan, and the phone's own map app).
export function mountGuard(root, { live }) {
  const list = h('div', { 'data-testid': 'guard-alerts' }, t('loading'));
  fill(root, h('section', { class: 'view view-guard', 'data-testid': 'view-guard' }, h('h2', {}, t('myAlerts')), list));

  let cells = new Map();
  let spots = new Map();
  const alerts = new OpenAlerts(live, render);
  const cards = new AlertCards();
  let spotsVersion = 0;

  function render() {
    if (alerts.error && !alerts.byId.size) { fill(list, h('p', { class: 'error' }, t('loadFailed'), ': ', alerts.error.message)); return; }
    if (!alerts.loaded) return;
    list.dataset.loaded = 'true';
    cards.render(list, alerts.sorted(), { cells, onUpdated: updated => alerts.apply(updated), extra: guardExtra },
      alert => alert.source?.kind === 'spot' ? spotsVersion : 0);
  }

  function guardExtra(alert) {
    const spot = alert.source?.kind === 'spot' ? spots.get(alert.source.id) : null;
    const cell = cells.get(alert.cellId);
    const lat = alert.area?.lat ?? spot?.spot.lat ?? cell?.lat;
    const lon = alert.area?.lon ?? spot?.spot.lon ?? cell?.lon;
    return [
      spot ? h('section', { class: 'readings', 'aria-label': t('reading') },
        h('h4', {}, t('reading')),
        h('p', {}, `${t('level')} ${number(spot.levelM)} m (${t('warning')} ${number(spot.spot.levels.warningM)} / ${t('danger')} ${number(spot.spot.levels.dangerM)}) · ${t('rise')} ${number(spot.riseMPerHour)} m/h · `,
          levelBadge(spot.risk)),
        spot.reasons?.length ? h('ul', {}, spot.reasons.map(reason => h('li', { 'data-code': reason.code }, pick(reason)))) : null) : null,
      h('details', { class: 'way' },
        h('summary', {}, t('wayThere')),
        h('p', {}, cellPath(alert.cellId)),
        lat != null && lon != null ? h('p', {}, `${lat.toFixed(5)}, ${lon.toFixed(5)} · `,
          h('a', { href: `geo:${lat},${lon}?q=${lat},${lon}` }, t('openMap'))) : null,
        sitePlan({ cells: [...cells.values()], spots: spot ? [spot] : [], highlightCell: alert.cellId })),
    ];
  }

  function cellPath(id) {
    const names = [];
    for (let cell = cells.get(id); cell; cell = cells.get(cell.parentId)) names.unshift(name(cell.name));
    return names.join(' › ') || id || '—';
  }

  async function load() {
    const [cellList, spotList] = await Promise.all([
      api('/api/grid/cells').catch(() => []),
      api('/api/water/spots').catch(() => []),
    ]);
    cells = new Map(cellList.map(c => [c.id, c]));
    spots = new Map(spotList.map(v => [v.spot.id, v]));
    spotsVersion++;
    await alerts.reload();
  }

  // Spot readings change with every alert update; refresh them when an alert about a spot arrives.
  const offSpot = live.on('alert', event => {
    if (event.alert?.source?.kind === 'spot') api('/api/water/spots').then(list => { spots = new Map(list.map(v => [v.spot.id, v])); spotsVersion++; render(); }).catch(() => {});
  });
  load();
  return () => { alerts.dispose(); offSpot(); };
}
