import { api, apiOptional } from '../api.js';
import { h, fill } from '../dom.js';
import { clock, timeEl, toLocalInput } from '../format.js';
import { name, pick, t } from '../i18n.js';
import { AlertCards, OpenAlerts } from '../components/alerts.js';
import { footagePlayer, footageUrl } from '../components/footage.js';
import { livePlayer } from '../components/live-video.js';
import { cameraView } from '../components/camera-view.js';
import { cameraEventDetails, eventWord } from '../events.js';

// Public security: the camera wall (each tile live, online state; a click opens the camera large with its
// events and its last minutes of footage), footage search with HLS playback, the event timeline with clip
// export, and the alerts.
export function mountSecurity(root, { live }) {
  const wall = h('div', { class: 'camera-wall', 'data-testid': 'camera-wall' }, t('loading'));
  const search = h('div', { 'data-testid': 'footage-search' });
  const events = h('div', { 'data-testid': 'event-timeline' });
  const list = h('div', { 'data-testid': 'security-alerts' }, t('loading'));
  const player = h('div', { class: 'player' });
  const large = h('div', { 'data-testid': 'camera-large' });
  // Live players of the wall and the large view; all stopped when the wall is redrawn or the view is left.
  let players = [];
  let opened = null;
  const stopWall = () => { players.forEach(p => p.stop()); players = []; };
  const clipStatus = h('p', { role: 'status', 'data-testid': 'clip-status' });
  fill(root, h('section', { class: 'view view-security', 'data-testid': 'view-security' },
    h('div', { class: 'col wide' }, h('h2', {}, t('cameras')), large, wall, h('h2', {}, t('footageSearch')), search, player),
    h('div', { class: 'col' }, h('h2', {}, t('activeAlerts')), list, h('h2', {}, t('events')), events)));

  let cameras = [];
  let cells = new Map();
  const cards = new AlertCards();
  const alerts = new OpenAlerts(live, () => {
    if (alerts.loaded) cards.render(list, alerts.sorted(), { cells, onUpdated: updated => alerts.apply(updated) });
  });

  async function loadCameras() {
    try {
      // The video feature's cameras (stream state, snapshots), and any camera device the video registry does not
      // know yet (registry presence only, no pictures): a wall that hides a camera would look calmer than it is.
      const [fromVideo, devices] = await Promise.all([apiOptional('/api/video/cameras'), api('/api/devices?kind=camera')]);
      const deviceById = new Map(devices.map(d => [d.id, d]));
      const video = (fromVideo ?? []).map(c => ({ ...c, online: c.online ?? c.status?.online ?? deviceById.get(c.id)?.online ?? null, lastSeen: deviceById.get(c.id)?.lastSeen, video: true }));
      const known = new Set(video.map(c => c.id));
      cameras = [...video, ...devices.filter(d => !known.has(d.id)).map(d => ({ id: d.id, name: d.name, cellId: d.cellId, online: d.online, lastSeen: d.lastSeen, video: false }))];
      stopWall();
      fill(wall, cameras.length ? cameras.map(cameraTile) : h('p', { class: 'empty' }, '—'));
      renderSearch();
    } catch (error) {
      fill(wall, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message));
    }
  }

  function cameraTile(camera) {
    const state = camera.online === true ? 'online' : camera.online === false ? 'offline' : 'unknown';
    // The wall plays the sub stream (smaller) live; the stream starts only while the tile is shown.
    let picture = h('div', { class: 'no-snapshot' }, t('notForVideo'));
    if (camera.video) {
      const tilePlayer = livePlayer(camera.id, { sub: true, label: `${t('liveView')}: ${name(camera.name)}` });
      players.push(tilePlayer);
      picture = h('button', { type: 'button', class: 'camera-open', 'data-testid': 'camera-open', 'aria-label': `${t('openCamera')}: ${name(camera.name)}`, onclick: () => open(camera) }, tilePlayer.el);
    }
    return h('figure', { class: 'camera camera-' + state, 'data-testid': 'camera', 'data-camera-id': camera.id, 'data-online': state },
      picture,
      h('figcaption', {}, h('strong', {}, name(camera.name)), ' ',
        h('span', { class: 'state ' + (state === 'online' ? 'state-open' : 'state-closed') }, t(state)),
        camera.lastSeen ? [' · ', t('lastSeen'), ' ', timeEl(camera.lastSeen)] : null,
        cells.get(camera.cellId) ? h('div', { class: 'muted' }, name(cells.get(camera.cellId).name)) : null));
  }

  function open(camera) {
    opened?.stop();
    opened = cameraView(camera, { onClose: () => { opened = null; fill(large); }, eventLine });
    fill(large, opened.el);
    large.scrollIntoView({ block: 'nearest' });
  }

  function eventLine(event) {
    return [timeEl(event.at), ' · ', h('span', { 'data-type': event.type }, eventWord(event.type)), cameraEventDetails(event, cameraById(event.cameraId))];
  }

  function cameraById(id) { return cameras.find(c => c.id === id); }

  // A clip as people name it: the camera and the minutes it covers (its ID and state code are the gateway's).
  function clipWords(cameraId, from, to) {
    const camera = cameraById(cameraId);
    return `${camera ? name(camera.name) : t('unknownCamera')} ${clock(from)}–${clock(to)}`;
  }

  function renderSearch() {
    const camera = h('select', { id: 'f-camera' }, cameras.filter(c => c.video).map(c => h('option', { value: c.id }, name(c.name))));
    const from = h('input', { id: 'f-from', type: 'datetime-local', value: toLocalInput(Date.now() - 15 * 60_000) });
    const to = h('input', { id: 'f-to', type: 'datetime-local', value: toLocalInput(Date.now() + 60_000) });
    const submit = event => {
      event.preventDefault();
      if (!camera.value) return;
      play(footageUrl(camera.value, new Date(from.value).getTime(), new Date(to.value).getTime()));
    };
    fill(search, h('form', { class: 'footage-form', onsubmit: submit },
      h('label', { for: 'f-camera' }, t('camera'), camera),
      h('label', { for: 'f-from' }, t('from'), from),
      h('label', { for: 'f-to' }, t('to'), to),
      h('button', { type: 'submit', class: 'primary', 'data-testid': 'footage-search-button' }, t('search'))));
  }

  function play(url) {
    fill(player, footagePlayer(url));
    player.scrollIntoView({ block: 'nearest' });
  }

  // Camera events as bookmarks (api/video/events): time, camera, what, and the footage around it to play or
  // export as a clip. Without the video feature's events, the alerts that carry footage evidence.
  async function loadEvents() {
    try {
      const bookmarks = await apiOptional('/api/video/events?limit=50');
      const cameraName = id => cameraById(id) ? name(cameraById(id).name) : t('unknownCamera');
      if (bookmarks) {
        fill(events, clipStatus, bookmarks.length ? h('ol', { class: 'events' }, bookmarks.map(({ event, footage }) => h('li', { 'data-testid': 'camera-event' },
          timeEl(event.at), ` · ${cameraName(event.cameraId)} · `, h('span', { 'data-type': event.type }, eventWord(event.type)), cameraEventDetails(event, cameraById(event.cameraId)), ' ',
          h('button', { onclick: () => play(footage) }, t('play')), ' ',
          h('button', { onclick: () => exportClip(footage, event.cameraId) }, t('exportClip'))))) : h('p', { class: 'empty' }, '—'));
        return;
      }

      const recent = await api('/api/alerts?limit=50');
      const related = recent.filter(a => a.evidence?.some(e => e.kind === 'footage'));
      fill(events, clipStatus, related.length ? h('ol', { class: 'events' }, related.map(a => h('li', { 'data-testid': 'camera-event' },
        timeEl(a.raisedAt), ' · ', pick(a.title), ' ',
        a.evidence.filter(e => e.kind === 'footage' && e.uri?.startsWith('/')).map(e => h('button', { onclick: () => play(e.uri) }, t('play'))))))
        : h('p', { class: 'empty' }, '—'));
    } catch (error) {
      fill(events, h('p', { class: 'error' }, t('loadFailed'), ': ', error.message));
    }
  }

  // A clip is cut by the gateway in the background; its "ready" message arrives on the live stream (topic clip).
  async function exportClip(footage, cameraId) {
    const query = new URL(footage, location.origin).searchParams;
    try {
      const clip = await api('/api/video/clips', { method: 'POST', body: { cameraId, from: Number(query.get('from')), to: Number(query.get('to')) } });
      fill(clipStatus, `${t('exportClip')}: ${clipWords(cameraId, clip.from, clip.to)} · ${t('clip_' + clip.state)}`);
    } catch (error) {
      fill(clipStatus, error.message);
    }
  }

  async function load() {
    cells = new Map((await api('/api/grid/cells').catch(() => [])).map(c => [c.id, c]));
    await Promise.all([loadCameras().then(loadEvents), alerts.reload()]);
  }

  const off = [
    live.on('alert', () => loadEvents()),
    // The clip-ready message is the protocol's (snake_case, as on MQTT sc/v1/video/{camera}/clip).
    live.on('clip', ready => {
      const id = ready.clip_id ?? ready.clipId;
      if (typeof ready.url === 'string' && ready.url.startsWith('/')) fill(clipStatus, `${t('clipReady')}: `, h('a', { href: ready.url, download: '', 'data-testid': 'clip-link', 'data-clip-id': id }, clipWords(ready.camera, ready.from, ready.to)));
    }),
    live.onReconnect(() => { loadCameras(); loadEvents(); }),
  ];
  load();
  return () => { alerts.dispose(); off.forEach(o => o()); stopWall(); opened?.stop(); };
}
