using System.Net;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Ingest.Journal;
using SmartCommunity.Metrics;

namespace SmartCommunity.Gateway.Operations;

/// <summary>
/// <c>Status</c> is <c>healthy</c>, <c>degraded</c> (broker unavailable) or <c>unhealthy</c> (a background service
/// faulted or stopped, the ingest journal failing or the database unreachable; <c>Services</c> names it). Anything but healthy answers 503.
/// </summary>
public sealed record HealthReport(string Status, string Broker, bool BrokerAvailable, int Devices, int DevicesOnline, int IngestPending, long IngestAccepted, long IngestRejected,
    IReadOnlyList<ServiceProblem> Services);

/// <summary><c>/alive</c> (process up), <c>/health</c> (can do its job), <c>/metrics</c> (Prometheus), recent rejections.</summary>
public static class OperationsApi
{
    public static void MapOperationsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/alive", () => TypedResults.Text("alive")).AllowAnonymous().WithTags("Operations");
        app.MapGet("/health", Health).AllowAnonymous().WithTags("Operations");
        // Created now, not at the first scrape: histograms recorded before it listens would not be counted.
        _ = app.ServiceProvider.GetRequiredService<PrometheusBridge>();
        app.MapGet("/metrics", Metrics).AllowAnonymous().WithMetadata(new OptionalAuthorization(Roles.Admin)).WithTags("Operations");
        app.MapGet("api/ingest/rejections", Rejections).RequireAuthorization(AuthPolicies.Staff).WithTags("Operations");
    }

    private static async Task<Results<Ok<HealthReport>, JsonHttpResult<HealthReport>>> Health(
        IDeviceBus bus, IOptions<BrokerOptions> broker, Devices.DeviceRegistry devices, IngestPipeline pipeline, IngestMetrics metrics, ServiceSupervisor supervisor,
        IngestJournal journal, Database database, CancellationToken cancellationToken)
    {
        var problems = supervisor.Problems();
        if (await database.CheckAsync(cancellationToken) is { } unreachable)
        {
            // Features cannot commit: their queues fill and the reliable path holds publishers back until it returns.
            problems = [.. problems, new ServiceProblem(nameof(Database), "unreachable", unreachable, 0)];
        }

        if (journal.Fault is { } fault)
        {
            // Reliable messages are refused (not acknowledged) while the journal cannot write.
            problems = [.. problems, new ServiceProblem(nameof(IngestJournal), "failing", fault, 0)];
        }

        var status = problems.Count > 0 ? "unhealthy" : bus.IsAvailable ? "healthy" : "degraded";
        var report = new HealthReport(status, broker.Value.Mode.ToString(), bus.IsAvailable,
            devices.Count, devices.All.Count(d => d.Online), pipeline.Pending, metrics.TotalAccepted, metrics.TotalRejected, problems);
        return status == "healthy" ? TypedResults.Ok(report) : TypedResults.Json(report, statusCode: StatusCodes.Status503ServiceUnavailable);
    }

    private static async Task Metrics(HttpContext http, PrometheusBridge metrics, IOptions<AuthOptions> auth)
    {
        var loopback = http.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip);
        var allowed = (loopback && auth.Value.AnonymousMetricsFromLoopback)
            || (await http.AuthenticateAsync(AuthPolicies.Scheme)).Principal?.IsInRole(Roles.Admin) == true;
        if (!allowed)
        {
            http.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        // Always the Prometheus text format 0.0.4: in OpenMetrics a counter named without _total (sc_timeseries_*)
        // would be typed "unknown".
        http.Response.ContentType = PrometheusBridge.ContentType;
        await metrics.WriteAsync(http.Response.Body, http.RequestAborted);
    }

    private static Ok<IReadOnlyList<Rejection>> Rejections(RejectionLog log, string? source, int? limit) =>
        TypedResults.Ok(log.Recent(source, Math.Clamp(limit ?? 100, 1, 500)));
}
