namespace SmartCommunity.Gateway.Video.Footage;

/// <summary>
/// What a browser gets when it opens a footage link itself (an alert's evidence clicked outside the dashboard): a
/// page that plays the same URL's playlist — natively where the browser plays HLS, else with the dashboard's hls.js.
/// Players (hls.js, ffmpeg, VLC) do not ask for HTML and get the playlist.
/// </summary>
public static class FootagePage
{
    public static bool Wanted(HttpRequest request) =>
        request.Headers.Accept.Any(a => a is not null && a.Contains("text/html", StringComparison.OrdinalIgnoreCase));

    public static string Html(string cameraName) => $$"""
        <!doctype html>
        <html lang="zh-CN">
        <head><meta charset="utf-8"><title>录像 Footage · {{System.Net.WebUtility.HtmlEncode(cameraName)}}</title>
        <style>body{margin:0;background:#111;color:#eee;font:14px system-ui}video{width:100%;max-height:90vh;background:#000}p{padding:0 1em}</style></head>
        <body>
        <video id="v" controls muted playsinline></video>
        <p id="s">{{System.Net.WebUtility.HtmlEncode(cameraName)}}</p>
        <script type="module">
        const video = document.getElementById('v');
        const url = location.pathname + location.search;
        if (video.canPlayType('application/vnd.apple.mpegurl')) { video.src = url; }
        else {
          const Hls = (await import('/vendor/hls.js/hls.mjs')).default;
          const hls = new Hls();
          hls.on(Hls.Events.ERROR, (_, d) => { if (d.fatal) document.getElementById('s').textContent = 'Playback failed: ' + d.details; });
          hls.loadSource(url);
          hls.attachMedia(video);
        }
        video.play().catch(() => {});
        </script>
        </body>
        </html>
        """;
}
