import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { peopleSection } from '../admin/people.js';
import { devicesSection } from '../admin/devices.js';
import { camerasSection, sheltersSection, spotsSection } from '../admin/places.js';
import { cellsSection } from '../admin/cells.js';
import { silencesSection } from '../admin/silences.js';
import { auditSection } from '../admin/audit.js';

// Administration (admins only; the gateway checks every call again): people, grid cells, devices, cameras, water
// spots, shelters, alert silences and the audit log, one tab each. Every form sends what the API takes and shows the API's own reason when refused.
const TABS = [
  ['people', 'tabPeople', peopleSection],
  ['cells', 'tabCells', cellsSection],
  ['devices', 'tabDevices', devicesSection],
  ['cameras', 'tabCameras', camerasSection],
  ['spots', 'tabSpots', spotsSection],
  ['shelters', 'tabShelters', sheltersSection],
  ['silences', 'tabSilences', silencesSection],
  ['audit', 'tabAudit', auditSection],
];

export function mountAdmin(root, { me }) {
  const body = h('div');
  const tabs = h('div', { class: 'admin-tabs', role: 'tablist' });
  fill(root, h('section', { class: 'view admin', 'data-testid': 'view-admin' }, h('h2', {}, t('viewAdmin')), tabs, body));
  let cells = new Map();
  let current = null;

  async function show(key) {
    const [, , make] = TABS.find(tab => tab[0] === key) ?? TABS[0];
    // Cells change in their own tab: every tab starts from the current names.
    cells = new Map((await api('/api/grid/cells')).map(c => [c.id, c]));
    current = make({ cells, me });
    fill(tabs, TABS.map(([k, label]) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(k === key), 'data-testid': 'admin-tab-' + k, onclick: () => show(k).catch(error => fill(body, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message))) }, t(label))));
    fill(body, current.el);
  }

  show('people').catch(error => fill(body, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message)));
  return () => {};
}
