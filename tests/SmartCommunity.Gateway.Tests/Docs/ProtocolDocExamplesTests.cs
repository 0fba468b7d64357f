using System.Diagnostics;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Docs;

/// <summary>
/// The "Try it" commands of docs/protocol.md run as written (only the port is changed to the test broker's)
/// with the real mosquitto clients, against a gateway seeded with the shipped demo community.
/// </summary>
public sealed partial class ProtocolDocExamplesTests : IAsyncLifetime
{
    private readonly RecordingHandler _recorder = new();
    private GatewayFactory _gateway = null!;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "SmartCommunity.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Repository root not found.");
    }

    public Task InitializeAsync()
    {
        var data = Directory.CreateTempSubdirectory("sc-doc-").FullName;
        var demo = Path.Combine(RepositoryRoot(), "deploy", "demo-community");
        _gateway = new GatewayFactory(data, new() { ["Seed:File"] = demo }, services: s => s.AddSingleton<IDeviceMessageHandler>(_recorder)).Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    /// <summary>Shell commands in the fenced blocks after "## Try it", joined across line continuations.</summary>
    private static List<string> TryItCommands()
    {
        var doc = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "protocol.md"));
        var section = doc[doc.IndexOf("## Try it", StringComparison.Ordinal)..];
        var commands = new List<string>();
        foreach (Match block in FencedShell().Matches(section))
        {
            var joined = block.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal);
            commands.AddRange(joined.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        return commands;
    }

    private async Task<(int ExitCode, string Output)> RunAsync(string command, TimeSpan? killAfter = null)
    {
        var local = command.Replace("-p 1883", $"-p {_gateway.MqttPort}", StringComparison.Ordinal);
        var wrapped = killAfter is null ? local : $"timeout {killAfter.Value.TotalSeconds:0} {local}";
        var info = new ProcessStartInfo("bash", ["-c", wrapped]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(info)!;
        var output = await process.StandardOutput.ReadToEndAsync() + await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output);
    }

    [Fact]
    public async Task EveryPublishExampleIsAcceptedAndEverySubscribeExampleIsGranted()
    {
        var commands = TryItCommands();
        var publishes = commands.Where(c => c.StartsWith("mosquitto_pub", StringComparison.Ordinal) && !c.Contains("PUT-ALERT-ID-HERE", StringComparison.Ordinal)).ToList();
        var subscribes = commands.Where(c => c.StartsWith("mosquitto_sub", StringComparison.Ordinal)).ToList();
        Assert.True(publishes.Count >= 3, "the doc lost its publish examples");
        Assert.True(subscribes.Count >= 2, "the doc lost its subscribe examples");

        foreach (var command in publishes)
        {
            var (exit, output) = await RunAsync(command);
            Assert.True(exit == 0, $"{command}\n→ exit {exit}: {output}");
        }

        await Eventually.TrueAsync(() => _recorder.Telemetry.Count == 1 && _recorder.Events.Count == 1 && _recorder.Statuses.Count == 1,
            because: "the telemetry, event and status examples are processed");
        Assert.Equal(0, _gateway.Get<IngestMetrics>().TotalRejected);

        // A granted subscription keeps mosquitto_sub waiting until timeout kills it (exit 124); a refused one exits at once.
        foreach (var command in subscribes)
        {
            var (exit, output) = await RunAsync(command, killAfter: TimeSpan.FromSeconds(2));
            Assert.True(exit == 124, $"{command}\n→ exit {exit}: {output}");
        }
    }

    [GeneratedRegex("```sh\\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex FencedShell();
}
