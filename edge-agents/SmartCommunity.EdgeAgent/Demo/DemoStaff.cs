using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SmartCommunity.EdgeAgent.Demo;

/// <summary>
/// The people of the scenario who act through the gateway's API, signed in with their seed (demo) passwords: the
/// emergency officer records the drill's shelter as empty when the demo starts (so a second run does not start
/// half full) and opens the overflow shelter the redirect will name, and the water authority issues the reservoir discharge notice at its time in every cycle and
/// withdraws it before the cycle ends (the gateway then sounds and stops the spots' sirens and loudspeakers); the
/// guard acknowledges the alert of the person in the danger zone on their phone.
/// </summary>
public sealed class DemoStaff(DemoPlan plan, TimeProvider time, ILogger<DemoStaff> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var http = new HttpClient { BaseAddress = new Uri(plan.GatewayUrl), Timeout = TimeSpan.FromSeconds(20) };
        if (plan.Scenario.Shelter is { } drill)
        {
            var officer = await SignInAsync(http, drill.Officer, stoppingToken);
            await SendAsync(http, officer, $"api/shelters/{drill.Shelter}/headcount",
                new { occupants = 0, note = "Demo scenario start: the drill begins with an empty shelter." }, stoppingToken);
            logger.LogInformation("Demo: shelter {Shelter} recorded empty by {Officer}.", drill.Shelter, drill.Officer);
            if (drill.Overflow is { } overflow)
            {
                await SendAsync(http, officer, $"api/shelters/{overflow}/state",
                    new { open = true, note = "Demo scenario: opened for the people the drill's shelter cannot take." }, stoppingToken);
            }
        }

        await Task.WhenAll(plan.Scenario.Acknowledgements.Select(a => AcknowledgeAsync(http, a, stoppingToken)).Append(DischargeAsync(http, stoppingToken)));
    }

    private async Task DischargeAsync(HttpClient http, CancellationToken stoppingToken)
    {
        if (plan.Scenario.Discharge is not { } discharge)
        {
            return;
        }

        var issuer = await SignInAsync(http, discharge.Issuer, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Until(plan.Cycle.Next(discharge.IssueAt, time.GetUtcNow())), time, stoppingToken);
            var notice = await SendAsync(http, issuer, "api/water/notices", new
            {
                reservoirId = discharge.Reservoir,
                gateOpenAt = time.GetUtcNow(),
                flowM3s = discharge.FlowM3s,
                durationMinutes = discharge.DurationMinutes,
            }, stoppingToken);
            var id = notice?.GetProperty("id").GetString();
            logger.LogInformation("Demo: {Issuer} issued discharge notice {Notice} for {Reservoir} ({Flow} m³/s).", discharge.Issuer, id, discharge.Reservoir, discharge.FlowM3s);
            await Task.Delay(Until(plan.Cycle.Next(discharge.WithdrawAt, time.GetUtcNow())), time, stoppingToken);
            if (id is not null)
            {
                await SendAsync(http, issuer, $"api/water/notices/{id}/cancel", new { }, stoppingToken);
                logger.LogInformation("Demo: discharge notice {Notice} withdrawn (the drill's gate closed).", id);
            }
        }
    }

    /// <summary>Each cycle from the acknowledgement's time: the person's open alerts of its type are acknowledged.</summary>
    private async Task AcknowledgeAsync(HttpClient http, DemoScenario.Acknowledgement ack, CancellationToken stoppingToken)
    {
        var token = await SignInAsync(http, ack.Person, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            await Task.Delay(Until(plan.Cycle.Next(ack.At, time.GetUtcNow())), time, stoppingToken);
            var end = plan.Cycle.Next(plan.Scenario.ActiveSeconds, time.GetUtcNow());
            while (time.GetUtcNow() < end && !await AcknowledgeOpenAsync(http, token, ack, stoppingToken))
            {
                await Task.Delay(Retry, time, stoppingToken);
            }
        }
    }

    private async Task<bool> AcknowledgeOpenAsync(HttpClient http, string token, DemoScenario.Acknowledgement ack, CancellationToken stoppingToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"api/alerts?type={Uri.EscapeDataString(ack.Type)}&state=raised");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await http.SendAsync(request, stoppingToken);
            if (!answer.IsSuccessStatusCode)
            {
                return false;
            }

            var acknowledged = false;
            foreach (var alert in (await answer.Content.ReadFromJsonAsync<JsonElement>(stoppingToken)).EnumerateArray())
            {
                var id = alert.GetProperty("id").GetString();
                if (await SendAsync(http, token, $"api/alerts/{id}/ack", new { note = "Demo: on my way to the water's edge." }, stoppingToken) is not null)
                {
                    logger.LogInformation("Demo: {Person} acknowledged alert {Alert} ({Type}).", ack.Person, id, ack.Type);
                    acknowledged = true;
                }
            }

            return acknowledged;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Demo: {Person} could not read the alerts: {Error}", ack.Person, ex.Message);
            return false;
        }
    }

    private TimeSpan Until(DateTimeOffset at) => at - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero;

    /// <summary>Signs <paramref name="person"/> in, retrying while the gateway is still starting.</summary>
    private async Task<string> SignInAsync(HttpClient http, string person, CancellationToken cancellationToken)
    {
        var password = DemoSeed.Text(DemoSeed.Get(plan.Seed.People, person, "person"), "password");
        while (true)
        {
            try
            {
                using var answer = await http.PostAsJsonAsync("api/auth/login", new { username = person, password }, cancellationToken);
                if (answer.IsSuccessStatusCode)
                {
                    var body = await answer.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
                    return body.GetProperty("token").GetString()!;
                }

                logger.LogWarning("Demo: {Person} could not sign in ({Status}); retrying.", person, (int)answer.StatusCode);
            }
            catch (HttpRequestException)
            {
                // The gateway is not up yet.
            }

            await Task.Delay(Retry, time, cancellationToken);
        }
    }

    /// <summary>POSTs <paramref name="body"/>; a refusal is logged (the demo goes on), the answer's JSON returned on success.</summary>
    private async Task<JsonElement?> SendAsync(HttpClient http, string token, string path, object body, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var answer = await http.SendAsync(request, cancellationToken);
            var text = await answer.Content.ReadAsStringAsync(cancellationToken);
            if (!answer.IsSuccessStatusCode)
            {
                logger.LogWarning("Demo: POST {Path} answered {Status}: {Body}", path, ((int)answer.StatusCode).ToString(CultureInfo.InvariantCulture), text);
                return null;
            }

            return text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : null;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("Demo: POST {Path} failed: {Error}", path, ex.Message);
            return null;
        }
    }
}
