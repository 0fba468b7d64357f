using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;
using SmartCommunity.Testing.Fuzzing;
using Xunit.Abstractions;

namespace SmartCommunity.Gateway.Tests.Fuzzing;

/// <summary>
/// Issue 19: the admin console's write calls fed the fuzzing generators' bodies (mutated fields, extreme numbers, wrong
/// types, deep nesting, invalid UTF-8, truncation, hostile strings) through the real gateway's HTTP pipeline. Every
/// answer is a success or a 4xx problem with a stable code, never a 5xx; the refusals are counted; every row that was
/// there before is there after, unchanged; and the call still takes a valid body.
/// </summary>
public sealed class ApiBodyFuzzTests(ITestOutputHelper output)
{
    public static TheoryData<string> Endpoints => [.. HostileBodies.Endpoints.Select(e => e.Name)];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task HostileBodiesAreAnsweredWithACodedRefusalOrASuccessAndNeverCostTheGoodData(string name)
    {
        var (_, path, body) = HostileBodies.Endpoints.Single(e => e.Name == name);
        await using var gateway = new GatewayFactory().Start();
        using var admin = await gateway.LoginAsync("admin");
        var before = await GoodDataAsync(admin);

        var statuses = new Dictionary<int, int>();
        var problems = new List<string>();
        var documents = HostileJson.Documents(HostileBodies.WithHostileStrings(body));
        foreach (var input in HostileBodies.Sample(documents, HostileBodies.SuiteCount, Fuzz.SuiteSeed))
        {
            using var content = new ByteArrayContent(input);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            using var response = await admin.PutAsync(path, content);
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            if (await ProblemWithAsync(response) is { } problem && problems.Count < 5)
            {
                problems.Add($"{problem}\n  input: {HostileBytes.Describe(input)}");
            }
        }

        var summary = string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
        output.WriteLine($"{name}: {HostileBodies.SuiteCount} bodies, answers {summary}");
        Assert.True(problems.Count == 0, $"{name} ({summary}):\n" + string.Join("\n", problems));
        Assert.True(statuses.GetValueOrDefault(400) > 0, $"no input was refused, so the generators did not reach the checks ({summary})");

        // Counted: every refusal above is in sc_api_errors_total by status.
        var refused = statuses.Where(s => s.Key >= 400).Sum(s => s.Value);
        var counted = statuses.Keys.Where(s => s >= 400).Sum(s => gateway.Get<MetricsRegistry>().Counter("sc_api_errors_total", "", ("status", s.ToString(System.Globalization.CultureInfo.InvariantCulture))).Value);
        Assert.True(counted >= refused, $"{refused} refusals, {counted} counted");

        // The good data: every row the seed made is still there, unchanged (the fuzzed ID may come and go).
        var after = await GoodDataAsync(admin);
        foreach (var (list, rows) in before)
        {
            var missing = rows.Except(after[list]).ToList();
            Assert.True(missing.Count == 0, $"{list}: {missing.Count} rows changed or gone after fuzzing {name}, e.g. {missing.FirstOrDefault()}");
        }

        // And the call still works.
        using var valid = new StringContent(body.ToJson(), Encoding.UTF8, "application/json");
        using var last = await admin.PutAsync(path, valid);
        Assert.True(last.IsSuccessStatusCode, $"{(int)last.StatusCode}: {await last.Content.ReadAsStringAsync()}");
    }

    /// <summary>Null when the answer is acceptable: a success, or a 4xx problem+json with a stable code and a detail.</summary>
    private static async Task<string?> ProblemWithAsync(HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status is >= 200 and < 300)
        {
            return null;
        }

        var text = await response.Content.ReadAsStringAsync();
        if (status is not (400 or 409 or 413))
        {
            return $"answered {status}: {Cut(text)}";
        }

        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return $"{status} as {response.Content.Headers.ContentType?.MediaType}: {Cut(text)}";
        }

        using var problem = JsonDocument.Parse(text);
        var code = problem.RootElement.TryGetProperty("code", out var c) ? c.GetString() : null;
        var detail = problem.RootElement.TryGetProperty("detail", out var d) ? d.GetString() : null;
        return code is { Length: > 0 } && code.All(ch => ch is (>= 'a' and <= 'z') or '_') && !string.IsNullOrWhiteSpace(detail)
            ? null
            : $"{status} without a stable code and a detail: {Cut(text)}";
    }

    /// <summary>Every row of the console's lists, as JSON text, by list.</summary>
    internal static async Task<Dictionary<string, HashSet<string>>> GoodDataAsync(HttpClient admin)
    {
        var lists = new Dictionary<string, HashSet<string>>();
        foreach (var list in (string[])["/api/people", "/api/devices", "/api/video/cameras", "/api/water/spots", "/api/shelters", "/api/grid/cells"])
        {
            using var response = await admin.GetAsync(list);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{list}: {(int)response.StatusCode}");
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            lists[list] = [.. document.RootElement.EnumerateArray().Select(e => e.GetRawText())];
        }

        return lists;
    }

    private static string Cut(string text) => text.Length > 300 ? text[..300] + "…" : text;
}
