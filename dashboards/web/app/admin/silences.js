import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { timeEl } from '../format.js';
import { addTexts, name, t } from '../i18n.js';
import { confirmAction } from '../components/confirm.js';
import { field, outcome } from './common.js';

// Alert silences (维护静默): a spot or a device muted for a stated time with a reason, e.g. while a level station
// is serviced. The gateway enforces them: alerts raised meanwhile are stored and shown, marked silenced, but
// notify nobody until the silence ends; every silence is kept (who, why, ended early by whom).
addTexts({
  tabSilences: ['预警静默', 'Alert silences'],
  silenceTarget: ['对象', 'What'],
  silenceKindSpot: ['危险水域', 'Water spot'],
  silenceKindDevice: ['设备', 'Device'],
  silenceMinutes: ['时长', 'For'],
  silenceReason: ['原因（必填，如“设备检修”）', 'Reason (required, e.g. “station serviced”)'],
  silenceWhen: ['时间', 'When'],
  silenceReasonShort: ['原因', 'Reason'],
  silenceCreate: ['开始静默', 'Silence'],
  silenceActive: ['生效中的静默', 'Active silences'],
  silenceHistory: ['已结束的静默', 'Ended silences'],
  silenceUntil: ['至', 'until'],
  silenceBy: ['设置人', 'Set by'],
  silenceEnd: ['提前结束', 'End now'],
  silenceEndedEarly: ['已由 {name} 提前结束', 'ended early by {name}'],
  silenceExpired: ['已到期', 'expired'],
  silenceStarted: ['已开始静默', 'Silence started'],
  silenceEnded: ['静默已结束', 'Silence ended'],
  confirmEndSilence: ['结束对 {name} 的静默？之后的预警将照常通知。', 'End the silence of {name}? Alerts notify as usual again.'],
  minutes30: ['30 分钟', '30 minutes'],
  hours1: ['1 小时', '1 hour'],
  hours2: ['2 小时', '2 hours'],
  hours4: ['4 小时', '4 hours'],
  hours8: ['8 小时', '8 hours'],
  hours24: ['24 小时', '24 hours'],
  noSilences: ['无', 'None'],
});

const DURATIONS = [[30, 'minutes30'], [60, 'hours1'], [120, 'hours2'], [240, 'hours4'], [480, 'hours8'], [1440, 'hours24']];
// A device's alerts carry its own kind where the feature raises them: door units' intrusion alarms ('door'),
// cameras' stream alerts ('camera'), and every device's health alerts ('device').
const sourceKindsOf = device => device.kind === 'door-access' ? ['device', 'door'] : device.kind === 'camera' ? ['device', 'camera'] : ['device'];

export function silencesSection() {
  const el = h('section', { 'data-testid': 'admin-silences' });
  const status = h('p', { role: 'status', 'data-testid': 'admin-status' });
  const active = h('div', { 'data-testid': 'silences-active' });
  const history = h('div', { 'data-testid': 'silences-history' });
  const formBox = h('div');
  let names = new Map();
  let people = new Map();
  fill(el, formBox, status, h('h3', {}, t('silenceActive')), active, h('details', {}, h('summary', {}, t('silenceHistory')), history));

  const who = id => name(people.get(id) ?? id);
  const what = s => name(names.get(`${s.source.kind}:${s.source.id}`) ?? names.get(`device:${s.source.id}`) ?? s.source.id);

  async function load() {
    const [spots, devices, staff, silences] = await Promise.all([api('/api/water/spots'), api('/api/devices'), api('/api/people'), api('/api/alerts/silences')]);
    names = new Map([...spots.map(s => [`spot:${s.spot.id}`, s.spot.name]), ...devices.flatMap(d => sourceKindsOf(d).map(k => [`${k}:${d.id}`, d.name]))]);
    people = new Map(staff.map(p => [p.id, p.name]));
    const now = Date.now();
    const isActive = s => !s.endedEarlyAt && Date.parse(s.endsAt) > now;
    const row = s => h('tr', { 'data-testid': 'silence-row', 'data-silence': s.id },
      h('td', {}, what(s)), h('td', {}, timeEl(s.startsAt), ` ${t('silenceUntil')} `, timeEl(s.endsAt)), h('td', {}, s.reason), h('td', {}, who(s.createdBy)),
      h('td', {}, isActive(s)
        ? h('button', { type: 'button', class: 'danger', 'data-testid': 'silence-end', onclick: () => end(s) }, t('silenceEnd'))
        : s.endedEarlyAt ? t('silenceEndedEarly', { name: who(s.endedBy) }) : t('silenceExpired')));
    const table = items => items.length
      ? h('table', {}, h('thead', {}, h('tr', {}, ['silenceTarget', 'silenceWhen', 'silenceReasonShort', 'silenceBy', 'colActions'].map(k => h('th', {}, t(k))))), h('tbody', {}, items.map(row)))
      : h('p', {}, t('noSilences'));
    fill(active, table(silences.filter(isActive)));
    fill(history, table(silences.filter(s => !isActive(s))));
    form(spots, devices);
  }

  function form(spots, devices) {
    if (formBox.firstChild) return; // Keep what is being typed across reloads of the lists.
    const options = [
      h('optgroup', { label: t('silenceKindSpot') }, spots.map(s => h('option', { value: `spot:${s.spot.id}` }, name(s.spot.name)))),
      h('optgroup', { label: t('silenceKindDevice') }, devices.map(d => h('option', { value: `device:${d.id}` }, name(d.name)))),
    ];
    const target = h('select', { name: 'source', 'data-testid': 'silence-target' }, options);
    const minutes = h('select', { name: 'minutes', 'data-testid': 'silence-minutes' }, DURATIONS.map(([m, label]) => h('option', { value: m, selected: m === 120 }, t(label))));
    const reason = h('input', { name: 'reason', maxlength: 500, 'data-testid': 'silence-reason' });
    const line = h('p', { role: 'status', 'data-testid': 'silence-form-status' });
    const built = h('form', { class: 'edit', novalidate: true, 'data-testid': 'silence-form', onsubmit: async event => {
      event.preventDefault();
      const [kind, id] = target.value.split(/:(.*)/s);
      const device = kind === 'device' ? devices.find(d => d.id === id) : null;
      try {
        for (const sourceKind of device ? sourceKindsOf(device) : [kind]) {
          await api('/api/alerts/silences', { method: 'POST', body: { sourceKind, sourceId: id, minutes: Number(minutes.value), reason: reason.value.trim() } });
        }
        reason.value = '';
        outcome(line, built, null, t('silenceStarted'));
        await load();
      } catch (error) { outcome(line, built, error); }
    } }, field(t('silenceTarget'), target), field(t('silenceMinutes'), minutes), field(t('silenceReason'), reason),
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary', 'data-testid': 'silence-save' }, t('silenceCreate'))), line);
    fill(formBox, built);
  }

  async function end(s) {
    if (!await confirmAction(t('confirmEndSilence', { name: what(s) }))) return;
    try {
      await api(`/api/alerts/silences/${encodeURIComponent(s.id)}`, { method: 'DELETE' });
      outcome(status, null, null, t('silenceEnded'));
      await load();
    } catch (error) { outcome(status, null, error); }
  }

  load().catch(error => outcome(status, null, error));
  // An active silence expires by itself: the lists follow without a reload.
  const timer = setInterval(() => { if (el.isConnected) load().catch(() => {}); else clearInterval(timer); }, 30_000);
  return { el, reload: () => load().catch(error => outcome(status, null, error)) };
}
