import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';
import { peopleSection } from '../admin/people.js';
import { devicesSection } from '../admin/devices.js';
import { camerasSection, sheltersSection, spotsSection } from '../admin/places.js';

// Administration (admins only; the gateway checks every call again): people, devices, cameras, water spots and
// shelters, one tab each. Every form sends what the API takes and shows the API's own reason when refused.
const TABS = [
  ['people', 'tabPeople', peopleSection],
  ['devices', 'tabDevices', devicesSection],
  ['cameras', 'tabCameras', camerasSection],
  ['spots', 'tabSpots', spotsSection],
  ['shelters', 'tabShelters', sheltersSection],
];

export function mountAdmin(root, { me }) {
  const body = h('div');
  const tabs = h('div', { class: 'admin-tabs', role: 'tablist' });
  fill(root, h('section', { class: 'view admin', 'data-testid': 'view-admin' }, h('h2', {}, t('viewAdmin')), tabs, body));
  let cells = new Map();
  let current = null;

  function show(key) {
    const [, , make] = TABS.find(tab => tab[0] === key) ?? TABS[0];
    current = make({ cells, me });
    fill(tabs, TABS.map(([k, label]) => h('button', { type: 'button', role: 'tab', 'aria-selected': String(k === key), 'data-testid': 'admin-tab-' + k, onclick: () => show(k) }, t(label))));
    fill(body, current.el);
  }

  api('/api/grid/cells').then(list => { cells = new Map(list.map(c => [c.id, c])); show('people'); })
    .catch(error => fill(body, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message)));
  return () => {};
}
