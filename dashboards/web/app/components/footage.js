import { api } from '../api.js';
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';

// Footage playback with hls.js: the gateway serves a camera's recorded segments of a range as an HLS playlist
// (GET api/video/cameras/{id}/footage?from&to, unix ms). Browsers that play HLS natively (Safari, iOS) get the
// playlist directly.
let hlsModule;
function loadHls() {
  hlsModule ??= import('/vendor/hls.js/hls.mjs').then(m => m.default);
  return hlsModule;
}

/** The playlist link for a camera and range. */
export function footageUrl(cameraId, fromMs, toMs) {
  return `/api/video/cameras/${encodeURIComponent(cameraId)}/footage?from=${Math.floor(fromMs)}&to=${Math.ceil(toMs)}`;
}

/** A player for a playlist link (as alerts and event bookmarks carry), or for a camera and range. */
export function footagePlayer(playlistUrl) {
  const box = h('div', { class: 'footage', 'data-testid': 'footage-player' }, t('loading'));
  const status = h('p', { role: 'status', 'data-testid': 'footage-status' });
  const segmentsUrl = playlistUrl.replace('/footage?', '/segments?');
  api(segmentsUrl).then(async segments => {
    if (!segments?.length) { fill(box, status); fill(status, t('noFootage')); return; }
    const video = h('video', { controls: true, muted: true, playsinline: true, 'aria-label': t('footage'), 'data-testid': 'footage-video' });
    fill(box, video, status);
    fill(status, `${segments.length} ${t('segments')}`);
    video.addEventListener('playing', () => { box.dataset.playing = 'true'; });
    if (video.canPlayType('application/vnd.apple.mpegurl')) { video.src = playlistUrl; video.play().catch(() => {}); return; }
    const Hls = await loadHls();
    if (!Hls.isSupported()) { fill(status, t('playbackFailed')); return; }
    const hls = new Hls({ enableWorker: true });
    hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) { fill(status, `${t('playbackFailed')}: ${data.details}`); box.dataset.error = data.details; } });
    hls.on(Hls.Events.MANIFEST_PARSED, () => video.play().catch(() => {}));
    hls.loadSource(playlistUrl);
    hls.attachMedia(video);
  }).catch(error => { fill(box, status); fill(status, `${t('noFootage')}: ${error.message}`); });
  return box;
}
