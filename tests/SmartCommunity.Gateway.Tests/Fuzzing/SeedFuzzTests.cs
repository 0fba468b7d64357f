using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Seed;
using SmartCommunity.Gateway.Tests.Shelters;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Gateway.Tests.WaterSafety;
using SmartCommunity.Testing;
using SmartCommunity.Testing.Fuzzing;
using Xunit.Abstractions;

namespace SmartCommunity.Gateway.Tests.Fuzzing;

/// <summary>
/// Issue 19: seed files are external input too (an operator's edit, a copied file, a bad export). Each section's
/// entries are fuzzed through the real <see cref="SeedLoader"/> of a running gateway, one file per input, with the
/// generators' mutations and hostile strings. The loader either applies the file (a bad entry refused with an error
/// line, the good ones applied) or refuses the whole file with an <see cref="InvalidOperationException"/> naming it;
/// nothing else escapes, and every row the first seed made is still there, unchanged.
/// </summary>
public sealed class SeedFuzzTests(ITestOutputHelper output)
{
    private static readonly JsonElement Community = JsonDocument.Parse(TestCommunity.Json()).RootElement;

    /// <summary>Seed sections and a valid entry of each, under an ID the test community does not use.</summary>
    private static readonly Dictionary<string, JsonTemplate> Sections = new(StringComparer.Ordinal)
    {
        ["cells"] = FromCommunity("cells", 2, "fuzz-cell"),
        ["people"] = FromCommunity("people", 3, "fuzz-person"),
        ["devices"] = FromCommunity("devices", 0, "fuzz-device"),
        ["cameras"] = HostileBodies.Template(new { name = "Fuzz camera", cellId = TestCommunity.BuildingA, mainUrl = "rtsp://127.0.0.1:9/none", recording = new { enabled = false, segmentSeconds = 10, retentionDays = 7 } }, HostileBodies.FuzzCamera),
        ["spots"] = HostileBodies.Template(WaterSafetyTestBed.SpotBody(), "fuzz-spot"),
        ["shelters"] = HostileBodies.Template(ShelterTestBed.Body(entrances: []), "fuzz-shelter"),
    };

    public static TheoryData<string> SectionNames => [.. Sections.Keys];

    [Theory]
    [MemberData(nameof(SectionNames))]
    public async Task AHostileSeedEntryIsRefusedWithAReasonOrTheFileIsRefusedByNameAndTheGoodRowsStay(string section)
    {
        await using var gateway = new GatewayFactory().Start();
        using var admin = await gateway.LoginAsync("admin");
        var before = await ApiBodyFuzzTests.GoodDataAsync(admin);
        using var folder = new TempDirectory();
        var file = Path.Combine(folder.Path, "seed.json");
        var loader = new SeedLoader(Options.Create(new SeedOptions { File = file, Mode = SeedMode.Upsert }),
            gateway.Get<IEnumerable<ISeedSection>>(), gateway.Get<DeviceRegistry>(), NullLogger<SeedLoader>.Instance);

        var (applied, refusedFiles) = (0, 0);
        var crashes = new List<string>();
        var entries = HostileJson.Documents(HostileBodies.WithHostileStrings(Sections[section]));
        foreach (var entry in HostileBodies.Sample(entries, HostileBodies.SuiteCount, Fuzz.SuiteSeed))
        {
            // The entry as a file would hold it: inside its section's array, next to nothing else.
            await File.WriteAllBytesAsync(file, [.. Encoding.UTF8.GetBytes($"{{\"{section}\":["), .. entry, .. "]}"u8]);
            try
            {
                loader.LoadIfConfigured();
                applied++;
            }
            catch (InvalidOperationException ex) when (ex.Message.Contains(file, StringComparison.Ordinal))
            {
                refusedFiles++;
            }
            catch (Exception ex)
            {
                if (crashes.Count < 5)
                {
                    crashes.Add($"{ex.GetType().Name}: {ex.Message}\n  at {ex.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}\n  entry: {HostileBytes.Describe(entry)}");
                }
            }
        }

        output.WriteLine($"seed section {section}: {HostileBodies.SuiteCount} files, {applied} applied, {refusedFiles} refused by name, {crashes.Count} crashes");
        Assert.True(crashes.Count == 0, $"seed section {section}: {applied} applied, {refusedFiles} files refused, crashes:\n" + string.Join("\n", crashes));
        Assert.True(applied > 0 && refusedFiles > 0, $"{applied} applied, {refusedFiles} refused: the generators should reach both");

        var after = await ApiBodyFuzzTests.GoodDataAsync(admin);
        foreach (var (list, rows) in before)
        {
            var missing = rows.Except(after[list]).ToList();
            Assert.True(missing.Count == 0, $"{list}: {missing.Count} rows changed or gone after fuzzing seed section {section}, e.g. {missing.FirstOrDefault()}");
        }
    }

    private static JsonTemplate FromCommunity(string section, int index, string id)
    {
        var entry = Community.GetProperty(section)[index];
        return JsonTemplate.Of([(Key: "id", Json: HostileBodies.Quote(id)), .. entry.EnumerateObject().Where(p => p.Name != "id").Select(p => (Key: p.Name, Json: p.Value.GetRawText()))]);
    }
}
