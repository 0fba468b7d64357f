namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>Wiring of the time-series feature (issue 7): InfluxDB or the embedded store behind one interface.</summary>
public static class TimeSeriesExtensions
{
    public static IHostApplicationBuilder AddTimeSeries(this IHostApplicationBuilder builder) => builder;

    public static IEndpointRouteBuilder MapTimeSeriesApi(this IEndpointRouteBuilder app) => app;
}
