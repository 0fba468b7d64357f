using Microsoft.Extensions.Logging;
using SmartCommunity.Media.Input;
using SmartCommunity.Media.Probing;
using SmartCommunity.Media.Running;
using SmartCommunity.Media.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Media.Tests.Running;

/// <summary>The one process runner, with real processes: ffprobe, and <c>sh</c> where a test needs a process that waits.</summary>
public sealed class MediaRunnerTests
{
    [Fact]
    public async Task AJobPastItsTimeLimitIsKilledWithItsChildren()
    {
        var marker = "sc-media-test-" + Guid.NewGuid().ToString("N");
        using var runner = new MediaRunner(2, new ListLogger<MediaRunner>());
        // The child shell carries the marker in its command line; the parent waits for it.
        var command = new MediaCommand("/bin/sh", ["-c", $"sh -c 'sleep 600; : {marker}' & wait"]);

        var result = await runner.RunAsync(command, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(-1, result.ExitCode);
        Assert.StartsWith("timed out after 1 s", result.Error, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => !ProcessTable.CommandLines().Any(c => c.Contains(marker, StringComparison.Ordinal)), because: "the child is killed with its parent");
    }

    [Fact]
    public async Task JobsBeyondTheCapWaitForASlot()
    {
        var gate = Path.Combine(Path.GetTempPath(), "sc-media-gate-" + Guid.NewGuid().ToString("N"));
        using var runner = new MediaRunner(1, new ListLogger<MediaRunner>());
        try
        {
            var first = runner.RunAsync(new MediaCommand("/bin/sh", ["-c", $"echo started; while [ ! -e '{gate}' ]; do sleep 0.05; done"]), TimeSpan.FromMinutes(1), CancellationToken.None);
            await Eventually.TrueAsync(() => ProcessTable.CommandLines().Any(c => c.Contains(gate, StringComparison.Ordinal)), because: "the first job runs");
            var second = runner.RunAsync(new MediaCommand("/bin/echo", ["second"]), TimeSpan.FromMinutes(1), CancellationToken.None);

            // The only slot is held until the gate opens, so the second job cannot have run.
            Assert.False(second.IsCompleted);
            await File.WriteAllTextAsync(gate, "");
            Assert.Equal("started\n", System.Text.Encoding.UTF8.GetString((await first).Output));
            Assert.Equal("second\n", System.Text.Encoding.UTF8.GetString((await second).Output));
        }
        finally
        {
            File.Delete(gate);
        }
    }

    [Fact]
    public async Task TheCommandLineIsLoggedAtDebugAndNeitherItNorTheErrorCarriesThePassword()
    {
        var logger = new ListLogger<MediaRunner>();
        using var runner = new MediaRunner(2, logger);
        var port = FreePort.Next(); // Nothing listens there: ffprobe fails at once, naming the URL.
        var command = ProbeArguments.Stream("ffprobe", new StreamSource($"rtsp://127.0.0.1:{port}/cam", "admin", "s3cret-pw"), TimeSpan.FromSeconds(5));

        var result = await runner.RunAsync(command, TimeSpan.FromSeconds(30), CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Contains("Connection refused", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", result.Error, StringComparison.Ordinal);
        var started = Assert.Single(logger.Entries, e => e.Level == LogLevel.Debug);
        Assert.Contains($"-i pipe:0 -print_format json", started.Message, StringComparison.Ordinal);
        Assert.Contains($"(stdin: input list for rtsp://127.0.0.1:{port}/cam)", started.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains("s3cret-pw", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMissingBinaryIsAFailedResultThatNamesIt()
    {
        using var runner = new MediaRunner(1, new ListLogger<MediaRunner>());
        var result = await runner.RunAsync(new MediaCommand("/nonexistent/ffprobe", ["-version"]), TimeSpan.FromSeconds(5), CancellationToken.None);
        Assert.False(result.Succeeded);
        Assert.Contains("/nonexistent/ffprobe", result.Error, StringComparison.Ordinal);
    }
}
