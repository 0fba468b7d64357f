using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing;

namespace SmartCommunity.Gateway.Tests.Seed;

public sealed class SeedFileTests
{
    [Theory]
    [InlineData("{ \"cells\": [ ", "is not valid JSON")]
    [InlineData("[1, 2, 3]", "must hold a JSON object")]
    [InlineData(null, "does not exist")]
    public async Task AnUnreadableSeedFileStopsTheGatewayWithTheReason(string? content, string expected)
    {
        var data = Directory.CreateTempSubdirectory("sc-seed-").FullName;
        var seed = Path.Combine(data, "seed.json");
        if (content is not null)
        {
            await File.WriteAllTextAsync(seed, content);
        }

        var info = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "SmartCommunity.Gateway.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = data,
        };
        info.Environment["Storage__DataDirectory"] = data;
        info.Environment["Seed__File"] = seed;
        info.Environment["Urls"] = $"http://127.0.0.1:{FreePort.Next()}";
        info.Environment["Broker__Port"] = FreePort.Next().ToString(System.Globalization.CultureInfo.InvariantCulture);
        info.Environment["Broker__BindAddress"] = "127.0.0.1";
        info.Environment["Auth__InitialAdminPassword"] = TestCommunity.AdminPassword;

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("The gateway started with an unreadable seed file.");
        }

        Assert.NotEqual(0, process.ExitCode);
        Assert.Contains(expected, await output + await errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadEntriesAreRefusedOneByOneAndTheGoodOnesAroundThemAreApplied()
    {
        var data = Directory.CreateTempSubdirectory("sc-seed-").FullName;
        await File.WriteAllTextAsync(Path.Combine(data, "seed.json"), JsonSerializer.Serialize(new
        {
            cells = new object[] { new { id = "c1", level = "Community", name = "C1" } },
            devices = new object[]
            {
                new { id = "good-1", kind = "camera", name = "Good", cellId = "c1", secret = "a-secret-long-enough" },
                new { id = "bad id", kind = "camera", name = "Bad id", cellId = "c1", secret = "a-secret-long-enough" },
                new { id = "bad-kind", kind = "toaster", name = "Bad kind", cellId = "c1", secret = "a-secret-long-enough" },
                new { id = "bad-cell", kind = "camera", name = "Bad cell", cellId = "nowhere", secret = "a-secret-long-enough" },
                new { id = "good-2", kind = "door-access", name = new string('名', 50), cellId = "c1", secret = "a-secret-long-enough" },
            },
            unknownSection = new { ignored = true },
        }));
        await using var gateway = new GatewayFactory(data).Start();

        using var admin = await gateway.LoginAsync("admin");
        var ids = (await admin.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.Select(d => d.GetProperty("id").GetString()!).Order().ToArray();
        Assert.Equal(["good-1", "good-2"], ids);
    }

    [Fact]
    public async Task ASeedPasswordShorterThanTheApiAllowsIsReportedAndNeverBecomesTheLogin()
    {
        var data = Directory.CreateTempSubdirectory("sc-seed-").FullName;
        await File.WriteAllTextAsync(Path.Combine(data, "seed.json"), JsonSerializer.Serialize(new
        {
            cells = new object[] { new { id = "c1", level = "Community", name = "C1" } },
            people = new object[]
            {
                new { id = "short-pw", name = "Short", role = "guard", duty = "Guard", cells = new[] { "c1" }, password = "nine-char" },
                new { id = "good-pw", name = "Good", role = "guard", duty = "Guard", cells = new[] { "c1" }, password = "ten-chars!" },
            },
        }));
        await using var gateway = new GatewayFactory(data).Start();

        using var anonymous = gateway.CreateClient();
        using var refused = await anonymous.PostAsJsonAsync("/api/auth/login", new { username = "short-pw", password = "nine-char" });
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, refused.StatusCode);
        using var good = await gateway.LoginAsync("good-pw", "ten-chars!");
        using var admin = await gateway.LoginAsync("admin");
        var people = (await admin.GetFromJsonAsync<JsonElement[]>("/api/people"))!.Select(p => p.GetProperty("id").GetString()).ToArray();
        Assert.Contains("short-pw", people); // written, without that password
    }

    [Fact]
    public async Task ASeedFolderIsReadInNameOrderSoALaterFileMayUseCellsFromAnEarlierOne()
    {
        var data = Directory.CreateTempSubdirectory("sc-seed-").FullName;
        var folder = Directory.CreateDirectory(Path.Combine(data, "community")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "10-cells.json"), JsonSerializer.Serialize(new
        {
            cells = new object[] { new { id = "c1", level = "Community", name = "C1" } },
            devices = new object[] { new { id = "door-a", kind = "door-access", name = "A", cellId = "c1", secret = "a-secret-long-enough" } },
        }));
        await File.WriteAllTextAsync(Path.Combine(folder, "20-more.json"), JsonSerializer.Serialize(new
        {
            cells = new object[] { new { id = "p1", parentId = "c1", level = "Compound", name = "P1" } },
            devices = new object[] { new { id = "cam-b", kind = "camera", name = "B", cellId = "p1", secret = "a-secret-long-enough" } },
        }));
        // Not a seed file: ignored, so a README or an editor's backup in the folder does no harm.
        await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "not json");
        await using var gateway = new GatewayFactory(data, new() { ["Seed:File"] = folder }).Start();

        using var admin = await gateway.LoginAsync("admin");
        var ids = (await admin.GetFromJsonAsync<JsonElement[]>("/api/devices"))!.Select(d => d.GetProperty("id").GetString()!).Order().ToArray();
        Assert.Equal(["cam-b", "door-a"], ids);
    }

    [Fact]
    public void AnEmptySeedFolderIsRefusedWithTheReason()
    {
        var data = Directory.CreateTempSubdirectory("sc-seed-").FullName;
        var folder = Directory.CreateDirectory(Path.Combine(data, "empty")).FullName;
        var loader = new SmartCommunity.Gateway.Seed.SeedLoader(
            Microsoft.Extensions.Options.Options.Create(new SmartCommunity.Gateway.Seed.SeedOptions { File = folder, Mode = SmartCommunity.Gateway.Seed.SeedMode.Upsert }),
            [],
            null!,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SmartCommunity.Gateway.Seed.SeedLoader>.Instance);

        var error = Assert.Throws<InvalidOperationException>(loader.LoadIfConfigured);
        Assert.Contains("holds no *.json files", error.Message, StringComparison.Ordinal);
    }
}
