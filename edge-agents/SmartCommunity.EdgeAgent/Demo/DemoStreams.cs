using System.Globalization;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SmartCommunity.Media.Running;
using SmartCommunity.Media.Simulation;

namespace SmartCommunity.EdgeAgent.Demo;

/// <summary>
/// The demo cameras' live streams: serves each camera's clip (<see cref="DemoClips"/>) at <c>http://127.0.0.1:{StreamPort}/{cameraId}.ts</c> as a camera would. Each client gets its own
/// <c>ffmpeg -re</c> that starts at the scenario's present moment and loops the clip, so what the gateway sees
/// stays in step with the levels and doors; it is killed when the client goes or the agent stops.
/// </summary>
public sealed class DemoStreams(DemoPlan plan, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<DemoStreams> logger) : BackgroundService
{
    private readonly HttpListener _listener = new();

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // The clips were rendered before the scenario's clock started (DemoHostExtensions); the port opens now and
        // run.sh starts the gateway once it answers.
        foreach (var camera in plan.Cameras.Where(c => !File.Exists(c.Clip)))
        {
            throw new InvalidOperationException($"Demo camera {camera.Id}: clip {camera.Clip} is missing.");
        }

        _listener.Prefixes.Add($"http://127.0.0.1:{plan.StreamPort.ToString(CultureInfo.InvariantCulture)}/");
        _listener.Start();
        logger.LogInformation("Demo camera streams at http://127.0.0.1:{Port}/{{camera}}.ts", plan.StreamPort);
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _listener.Stop();
        await base.StopAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _listener.Close();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Streams end as soon as the agent begins to stop, not at this service's turn in the host's sequential stop:
        // a gateway reconnecting meanwhile would get a fresh ffmpeg that nothing stops.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, lifetime.ApplicationStopping);
        stoppingToken = stopping.Token;
        while (!stoppingToken.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().WaitAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(context, stoppingToken), CancellationToken.None);
        }
    }

    private async Task ServeAsync(HttpListenerContext context, CancellationToken stoppingToken)
    {
        var name = context.Request.Url?.AbsolutePath.Trim('/') ?? "";
        var camera = plan.Cameras.FirstOrDefault(c => name == c.Id + ".ts");
        using var response = context.Response;
        if (camera is null)
        {
            response.StatusCode = 404;
            return;
        }

        var offset = plan.Cycle.IntoCycle(time.GetUtcNow()).TotalSeconds;
        response.ContentType = "video/mp2t";
        response.SendChunked = true;
        MediaProcess process;
        try
        {
            process = MediaProcess.Start(RawVideoArguments.Replay(plan.FfmpegPath, camera.Clip, offset), logger);
        }
        catch (MediaToolMissingException ex)
        {
            logger.LogError("Demo camera {Camera}: {Error}", camera.Id, ex.Message);
            response.StatusCode = 500;
            return;
        }

        using (process)
        {
            try
            {
                await process.StandardOutput.CopyToAsync(response.OutputStream, stoppingToken);
            }
            catch (Exception ex) when (ex is IOException or HttpListenerException or OperationCanceledException or ObjectDisposedException)
            {
                // The client went away or the agent is stopping: end this client's ffmpeg below.
            }
            finally
            {
                process.Kill();
                await process.WaitForExitAsync(CancellationToken.None);
            }
        }
    }
}
