using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Infrastructure.Http;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Tests.Support;

namespace SmartCommunity.Gateway.Tests.Fuzzing;

/// <summary>Issue 19 audit: limits on what the API reads and on settings whose arithmetic has an end.</summary>
public sealed class RequestLimitTests
{
    [Fact]
    public async Task ABodyOverTheLimitIsRefusedAs413BeforeItIsReadAndCounted()
    {
        await using var gateway = new GatewayFactory().Start();
        using var admin = await gateway.LoginAsync("admin");
        var name = new string('名', (int)(ApiRequestLimits.MaxBodyBytes / 3) + 10);

        // With its length declared, as a browser sends it; a chunked body is cut off by Kestrel at the same limit.
        using var body = new StringContent(JsonSerializer.Serialize(new { name, role = "guard", duty = "Guard", cells = new[] { TestCommunity.BuildingA } }), Encoding.UTF8, "application/json");
        using var response = await admin.PutAsync("/api/people/too-big", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("too_large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Equal(1, gateway.Get<MetricsRegistry>().Counter("sc_api_errors_total", "", ("status", "413")).Value);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/people/too-big")).StatusCode);
    }

    [Fact]
    public async Task ARefusedBodyIsCountedByItsStatus()
    {
        await using var gateway = new GatewayFactory().Start();
        using var admin = await gateway.LoginAsync("admin");

        using var body = new StringContent("{\"name\":", Encoding.UTF8, "application/json");
        using var response = await admin.PutAsync("/api/people/cut-short", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(1, gateway.Get<MetricsRegistry>().Counter("sc_api_errors_total", "", ("status", "400")).Value);
    }

    [Fact]
    public void AGroupQuietWindowPastThirtyDaysIsRefusedWithTheSettingNamed()
    {
        // A timer cannot wait more than 49.7 days in one step; a window of months is a typo, refused at start.
        var options = new AlertsOptions { Groups = [new GroupRule { Name = "door_burst", Types = ["door_forced"], QuietWindow = TimeSpan.FromDays(60) }] };

        var results = new List<ValidationResult>();
        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("QuietWindow may be at most 30 days", StringComparison.Ordinal));

        options.Groups[0].QuietWindow = TimeSpan.FromDays(30);
        results.Clear();
        Assert.True(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true), string.Join("; ", results.Select(r => r.ErrorMessage)));
    }
}
