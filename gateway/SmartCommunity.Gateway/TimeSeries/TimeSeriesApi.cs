using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.TimeSeries.Querying;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>One chart line: bucket start (<c>t</c>) and value (<c>v</c>).</summary>
public sealed record ChartPoint(DateTimeOffset T, double V);

public sealed record ChartSeries(string Measurement, string Field, string Agg, long IntervalMs, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<ChartPoint> Points);

public sealed record MeasurementView(string Measurement, IReadOnlyList<string> Fields, bool PerDevice);

/// <summary>
/// Chart data for the dashboard, the same whichever store is behind it. Any person may ask; guards only for
/// devices or cells they can see (per-device measurements), never for gateway-wide ones.
/// </summary>
public static class TimeSeriesApi
{
    public static RouteGroupBuilder Map(IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/timeseries").WithTags("TimeSeries");
        api.MapGet("", List).RequireAuthorization(AuthPolicies.AnyPerson);
        api.MapGet("{measurement}", Query).RequireAuthorization(AuthPolicies.AnyPerson);
        return api;
    }

    private static Ok<IEnumerable<MeasurementView>> List(ClaimsPrincipal user, SeriesCatalog catalog) =>
        TypedResults.Ok(catalog.Measurements.Select(m => catalog.Find(m)!)
            .Where(d => user.IsStaff() || d.PerDevice)
            .Select(d => new MeasurementView(d.Measurement, d.Fields, d.PerDevice)));

    private static async Task<Results<Ok<ChartSeries>, BadRequest<ApiProblem>, NotFound, ForbidHttpResult, ProblemHttpResult>> Query(
        string measurement, [AsParameters] SeriesRequest request, ClaimsPrincipal user, SeriesCatalog catalog, ITimeSeriesStore store,
        DeviceRegistry devices, GridRegistry grid, TimeSeriesOptions options, TimeProvider time, CancellationToken cancellationToken)
    {
        var definition = catalog.Find(measurement);
        var query = SeriesRequestParser.Parse(definition, measurement, request, time.GetUtcNow(), options.MaxPointsPerQuery, out var errors);
        if (query is null)
        {
            return ApiProblem.BadRequest("invalid_chart_query", "The chart query is not valid.", errors);
        }

        var visible = user.VisibleCells(grid.Snapshot);
        if (!visible.IsEverything)
        {
            if (!definition!.PerDevice)
            {
                return TypedResults.Forbid();
            }

            if (request.Device is null && request.Cell is null)
            {
                return ApiProblem.BadRequest("invalid_chart_query", "The chart query is not valid.",
                    new Dictionary<string, string> { ["device"] = "Guards name a device or a cell of their own." });
            }

            // Out of sight answers like unknown, so nothing leaks about other cells.
            var deviceVisible = request.Device is null || visible.Contains(devices.Get(request.Device)?.Device.CellId);
            var cellVisible = request.Cell is null || visible.Contains(request.Cell);
            if (!deviceVisible || !cellVisible)
            {
                return TypedResults.NotFound();
            }
        }

        if (request.Cell is not null)
        {
            // The cell and every cell below it; a guard's view is cut to what they may see (the cell itself was checked above).
            var cells = grid.Snapshot.Subtree(request.Cell).Where(c => visible.Contains(c)).ToList();
            if (cells.Count > SeriesQuery.MaxTagValues)
            {
                return ApiProblem.BadRequest("invalid_chart_query", "The chart query is not valid.",
                    new Dictionary<string, string> { ["cell"] = $"The cell has more than {SeriesQuery.MaxTagValues} cells below it; chart a smaller part." });
            }

            query = query with { TagIn = new Dictionary<string, IReadOnlyCollection<string>>(StringComparer.Ordinal) { [SeriesNames.CellTag] = cells } };
        }

        IReadOnlyList<SeriesPoint> points;
        try
        {
            points = await store.QuerySeriesAsync(query, cancellationToken);
        }
        catch (Exception ex) when (ex is InfluxQueryException or HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return TypedResults.Problem("The time-series store did not answer: " + ex.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }

        return TypedResults.Ok(new ChartSeries(query.Measurement, query.Field, query.Aggregation.ToString().ToLowerInvariant(), (long)query.Interval.TotalMilliseconds,
            query.From, query.To, [.. points.Select(p => new ChartPoint(p.Time, p.Value))]));
    }
}
