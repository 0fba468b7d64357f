import { apiOptional } from '../api.js';
import { h, fill } from '../dom.js';
import { t } from '../i18n.js';

// Footage playback with hls.js (the gateway serves recorded segments as an HLS playlist); browsers that play
// HLS natively (Safari, iOS) get the playlist directly.
let hlsModule;
function loadHls() {
  hlsModule ??= import('/vendor/hls.js/hls.mjs').then(m => m.default);
  return hlsModule;
}

export function footagePlayer(cameraId, from, to) {
  const box = h('div', { class: 'footage', 'data-testid': 'footage-player' }, t('loading'));
  const playlist = `/api/video/cameras/${encodeURIComponent(cameraId)}/footage.m3u8?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
  apiOptional(`/api/video/cameras/${encodeURIComponent(cameraId)}/footage?from=${encodeURIComponent(from.toISOString())}&to=${encodeURIComponent(to.toISOString())}`)
    .then(async found => {
      const url = found?.playlist ?? found?.uri ?? playlist;
      const video = h('video', { controls: true, muted: true, playsinline: true, 'aria-label': t('footage'), 'data-testid': 'footage-video' });
      fill(box, video);
      if (video.canPlayType('application/vnd.apple.mpegurl')) { video.src = url; return; }
      const Hls = await loadHls();
      if (!Hls.isSupported()) { fill(box, t('playbackFailed')); return; }
      const hls = new Hls();
      hls.on(Hls.Events.ERROR, (_, data) => { if (data.fatal) fill(box, `${t('playbackFailed')}: ${data.details}`); });
      hls.loadSource(url);
      hls.attachMedia(video);
      video.play().catch(() => {});
    })
    .catch(error => fill(box, `${t('noFootage')}: ${error.message}`));
  return box;
}
