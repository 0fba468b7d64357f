using System.Diagnostics;
using System.Globalization;

namespace SmartCommunity.Testing;

/// <summary>
/// A real RTSP server: GStreamer's gst-rtsp-server (Debian <c>gir1.2-gst-rtsp-server-1.0</c>, <c>python3-gst-1.0</c>,
/// <c>gstreamer1.0-plugins-ugly</c> for x264) driven by a few lines of Python, serving synthetic H.264
/// (<c>videotestsrc ! x264enc ! rtph264pay</c>, one key frame a second) at <c>rtsp://127.0.0.1:{port}/cam</c>.
/// An earlier RTSP test hung this machine, so every wait here has a limit, stopping kills the whole process tree,
/// and the server ends itself after <see cref="MaxLifetime"/> or as soon as the test process that started it is gone.
/// </summary>
public sealed class RtspServerProcess : IAsyncDisposable
{
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(10);

    private const string Script = """
        import os, sys, signal, time
        import gi
        gi.require_version('Gst', '1.0')
        gi.require_version('GstRtspServer', '1.0')
        from gi.repository import Gst, GstRtspServer, GLib
        Gst.init(None)
        port, width, height, fps, lifetime, parent, pattern = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
        server = GstRtspServer.RTSPServer()
        server.set_address('127.0.0.1')
        server.set_service(port)
        factory = GstRtspServer.RTSPMediaFactory()
        factory.set_launch('( videotestsrc name=src is-live=true pattern=%s ! video/x-raw,width=%s,height=%s,framerate=%s/1 '
                           '! x264enc tune=zerolatency speed-preset=ultrafast key-int-max=%s bitrate=300 '
                           '! rtph264pay name=pay0 pt=96 config-interval=1 )' % (pattern, width, height, fps, fps))
        # "pattern NAME" on stdin switches every client's picture at once and answers "set <unix ms>": a change of
        # picture at a known instant, which a viewer can time (glass-to-glass latency).
        sources = []
        factory.connect('media-configure', lambda f, media: sources.append(media.get_element().get_by_name('src')))
        def command(channel, condition):
            line = sys.stdin.readline()
            if not line:
                return False
            parts = line.split()
            if len(parts) == 2 and parts[0] == 'pattern':
                for source in sources:
                    Gst.util_set_object_arg(source, 'pattern', parts[1])
                print('set %d' % int(time.time() * 1000), flush=True)
            return True
        GLib.io_add_watch(sys.stdin, GLib.IO_IN | GLib.IO_HUP, command)
        # Not shared: every client (recorder, probe) gets its own pipeline, so one client's TEARDOWN cannot end another's stream.
        factory.set_shared(False)
        # Credentials from the environment, never the command line: a test checks that no command line holds them.
        if os.environ.get('RTSP_USER'):
            auth = GstRtspServer.RTSPAuth()
            token = GstRtspServer.RTSPToken()
            token.set_string('media.factory.role', 'user')
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(os.environ['RTSP_USER'], os.environ['RTSP_PASSWORD']), token)
            server.set_auth(auth)
            permissions = GstRtspServer.RTSPPermissions()
            permissions.add_permission_for_role('user', 'media.factory.access', True)
            permissions.add_permission_for_role('user', 'media.factory.construct', True)
            factory.set_permissions(permissions)
        server.get_mount_points().add_factory('/cam', factory)
        if server.attach(None) == 0:
            print('attach failed', flush=True)
            sys.exit(1)
        loop = GLib.MainLoop()
        def parent_alive():
            if os.getppid() != parent:
                loop.quit()
                return False
            return True
        GLib.timeout_add_seconds(1, parent_alive)
        GLib.timeout_add_seconds(lifetime, loop.quit)
        GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, loop.quit)
        print('ready', flush=True)
        loop.run()
        """;

    private readonly string _directory;
    private readonly int _width;
    private readonly int _height;
    private readonly int _fps;
    private readonly string _pattern;
    private readonly (string User, string Password)? _credentials;
    private Process? _process;

    private RtspServerProcess(string directory, int port, int width, int height, int fps, string pattern, (string User, string Password)? credentials)
    {
        _credentials = credentials;
        _pattern = pattern;
        _directory = directory;
        Port = port;
        _width = width;
        _height = height;
        _fps = fps;
    }

    public int Port { get; }

    public string Url => $"rtsp://127.0.0.1:{Port}/cam";

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Debian's Python: the GStreamer bindings are installed for it, not for another python3 on the PATH.</summary>
    public static string Python => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";

    /// <summary>
    /// Starts a server; <paramref name="pattern"/> is videotestsrc's (ball moves, black and white are flat, for timing).
    /// With <paramref name="credentials"/> it serves only a client that authenticates with them (RTSP Basic, RFC 2326 §D.2).
    /// </summary>
    public static async Task<RtspServerProcess> StartAsync(int width = 320, int height = 240, int fps = 10, string pattern = "ball", (string User, string Password)? credentials = null)
    {
        var directory = Directory.CreateTempSubdirectory("sc-rtsp-").FullName;
        await File.WriteAllTextAsync(Path.Combine(directory, "rtsp_server.py"), Script);
        var server = new RtspServerProcess(directory, FreePort.Next(), width, height, fps, pattern, credentials);
        try
        {
            await server.StartAgainAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Starts the server (again) on the same port, e.g. after <see cref="StopAsync"/> to bring a "camera" back.</summary>
    public async Task StartAgainAsync()
    {
        var info = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (_credentials is { } credentials)
        {
            info.Environment["RTSP_USER"] = credentials.User;
            info.Environment["RTSP_PASSWORD"] = credentials.Password;
        }

        foreach (var argument in new[]
        {
            Path.Combine(_directory, "rtsp_server.py"), Port.ToString(CultureInfo.InvariantCulture), _width.ToString(CultureInfo.InvariantCulture),
            _height.ToString(CultureInfo.InvariantCulture), _fps.ToString(CultureInfo.InvariantCulture),
            ((int)MaxLifetime.TotalSeconds).ToString(CultureInfo.InvariantCulture), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), _pattern,
        })
        {
            info.ArgumentList.Add(argument);
        }

        var process = Process.Start(info) ?? throw new InvalidOperationException("The RTSP server did not start.");
        _process = process;
        _ = process.StandardError.ReadToEndAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
            {
                if (line == "ready")
                {
                    await FreePort.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(10));
                    return;
                }
            }

            throw new InvalidOperationException($"The RTSP server exited before it was ready (is {Python} with gi/GstRtspServer installed? deploy/scripts/install-deps.sh test).");
        }
        catch (OperationCanceledException)
        {
            await StopAsync();
            throw new TimeoutException("The RTSP server was not ready within 20 s.");
        }
    }

    /// <summary>
    /// Switches the picture of every connected client to a videotestsrc pattern (e.g. <c>white</c>) and returns the
    /// wall-clock instant the server switched it (the next frame it captures has the new picture).
    /// </summary>
    public async Task<DateTimeOffset> SetPatternAsync(string pattern)
    {
        var process = _process ?? throw new InvalidOperationException("The RTSP server is not running.");
        await process.StandardInput.WriteLineAsync("pattern " + pattern);
        await process.StandardInput.FlushAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await process.StandardOutput.ReadLineAsync(limit.Token) is { } line)
        {
            if (line.StartsWith("set ", StringComparison.Ordinal))
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(line[4..], CultureInfo.InvariantCulture));
            }
        }

        throw new InvalidOperationException("The RTSP server exited instead of switching its picture.");
    }

    /// <summary>Kills the server (the "camera" goes away); waits at most 10 s for it to be gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { } process)
        {
            try
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                }

                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await process.WaitForExitAsync(limit.Token);
            }
            catch (InvalidOperationException)
            {
                // Already gone.
            }
            catch (OperationCanceledException)
            {
                // Killed but not reaped in time; the OS reaps it with the test host.
            }

            process.Dispose();
            _process = null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder.
        }
    }
}
