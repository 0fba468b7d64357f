import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { AlertCards, OpenAlerts } from '../components/alerts.js';
import { sitePlan } from '../components/siteplan.js';
import { sheltersPanel } from '../components/shelters.js';

// The emergency desk: every active alert by level, acknowledge/resolve, the shelters, and the site plan.
export function mountEmergency(root, { live }) {
  const list = h('div', { 'data-testid': 'emergency-alerts' }, t('loading'));
  const plan = h('div', { class: 'plan-box' });
  const shelters = h('div', { 'data-testid': 'shelters' });
  const counts = h('p', { class: 'counts', 'aria-live': 'polite' });
  fill(root, h('section', { class: 'view view-emergency', 'data-testid': 'view-emergency' },
    h('div', { class: 'col' }, h('h2', {}, t('activeAlerts')), counts, list),
    h('div', { class: 'col' }, h('h2', {}, t('sitePlan')), plan, h('h2', {}, t('shelters')), shelters)));

  let cells = new Map();
  let spots = [];
  let devices = [];
  let shelterList = [];
  const alerts = new OpenAlerts(live, render);
  const cards = new AlertCards();

  function render() {
    if (!alerts.loaded) return;
    const open = alerts.sorted();
    const byLevel = level => open.filter(a => a.level === level).length;
    fill(counts, ['red', 'orange', 'yellow', 'blue'].map(level => h('span', { class: 'count level level-' + level }, `${t('level_' + level)}: ${byLevel(level)}`)));
    if (alerts.error && !open.length) fill(list, h('p', { class: 'error' }, t('loadFailed'), ': ', alerts.error.message));
    else cards.render(list, open, { cells, onUpdated: updated => alerts.apply(updated) });
    fill(plan, sitePlan({ cells: [...cells.values()], spots, devices, alerts: open, shelters: shelterList }));
  }

  async function load() {
    const [cellList, spotList, deviceList] = await Promise.all([
      api('/api/grid/cells').catch(() => []),
      api('/api/water/spots').catch(() => []),
      api('/api/devices').catch(() => []),
    ]);
    cells = new Map(cellList.map(c => [c.id, c]));
    spots = spotList;
    devices = deviceList;
    await alerts.reload();
  }

  const refreshSpots = live.on('alert', event => {
    if (event.alert?.source?.kind === 'spot') api('/api/water/spots').then(list => { spots = list; render(); }).catch(() => {});
  });
  const panel = sheltersPanel(shelters, live, list => { shelterList = list; render(); });
  load();
  return () => { alerts.dispose(); refreshSpots(); panel(); };
}
