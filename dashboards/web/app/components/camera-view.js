import { apiOptional } from '../api.js';
import { h, fill } from '../dom.js';
import { name, t } from '../i18n.js';
import { footagePlayer, footageUrl } from './footage.js';
import { livePlayer } from './live-video.js';

// One camera large: its main stream live, its recent events, and a jump from live to the last five minutes of
// footage (and back). Live players are stopped when the view closes, so the gateway stops the camera's
// stream once nobody watches it.
export function cameraView(camera, { onClose, eventLine }) {
  let player = null;
  const stage = h('div', { class: 'camera-stage' });
  const events = h('ol', { class: 'events', 'data-testid': 'camera-view-events' }, h('li', {}, t('loading')));
  const toLive = h('button', { type: 'button', 'data-testid': 'camera-view-live', onclick: () => showLive() }, t('backToLive'));
  const toFootage = h('button', { type: 'button', 'data-testid': 'camera-view-footage', onclick: () => showFootage() }, t('lastMinutes'));
  const close = h('button', { type: 'button', class: 'close', 'data-testid': 'camera-view-close', onclick: () => { stop(); onClose(); } }, t('close'));
  const el = h('section', { class: 'camera-view', 'data-testid': 'camera-view', 'data-view-camera': camera.id, 'aria-label': `${t('liveView')}: ${name(camera.name)}` },
    h('header', {}, h('h3', {}, name(camera.name)), h('div', { class: 'actions' }, toLive, toFootage, close)),
    stage, h('h4', {}, t('cameraEvents')), events);

  function stop() { player?.stop(); player = null; }

  function showLive() {
    stop();
    player = livePlayer(camera.id, { label: `${t('liveView')}: ${name(camera.name)}` });
    fill(stage, player.el);
    toLive.hidden = true;
    toFootage.hidden = false;
  }

  function showFootage() {
    stop();
    const now = Date.now();
    fill(stage, footagePlayer(footageUrl(camera.id, now - 5 * 60_000, now + 5_000)));
    toLive.hidden = false;
    toFootage.hidden = true;
  }

  apiOptional(`/api/video/events?camera=${encodeURIComponent(camera.id)}&limit=20`).then(list => {
    fill(events, list?.length ? list.map(({ event, footage }) => h('li', {}, eventLine(event), ' ',
      h('button', { type: 'button', onclick: () => { stop(); fill(stage, footagePlayer(footage)); toLive.hidden = false; } }, t('play'))))
      : h('li', { class: 'empty' }, '—'));
  }).catch(error => fill(events, h('li', { class: 'error' }, t('loadFailed'), ': ', error.message)));

  showLive();
  return { el, stop };
}
