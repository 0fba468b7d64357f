using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.TimeSeries;
using SmartCommunity.TimeSeries.Querying;
using SmartCommunity.TimeSeries.Storage;
using SmartCommunity.TimeSeries.Writing;

namespace SmartCommunity.Gateway.TimeSeries;

/// <summary>Wiring of the time-series feature (issue 7): InfluxDB or the embedded store behind one interface.</summary>
public static class TimeSeriesExtensions
{
    /// <summary>
    /// Registers <see cref="ITimeSeriesStore"/> (queries and features' own series) and <see cref="IPointWriter"/>
    /// (non-blocking writes) for the store <c>TimeSeries:Mode</c> selects, the device handler, the metrics sampler and
    /// the <c>/metrics</c> gauges.
    /// </summary>
    public static IHostApplicationBuilder AddTimeSeries(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TimeSeriesOptions>(TimeSeriesOptions.Section);
        builder.Services.AddSingleton<IPostConfigureOptions<TimeSeriesOptions>, DefaultPaths>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<TimeSeriesOptions>>().Value);
        var mode = builder.Configuration.GetSection(TimeSeriesOptions.Section).GetValue<TimeSeriesMode?>(nameof(TimeSeriesOptions.Mode)) ?? TimeSeriesMode.Embedded;
        if (mode == TimeSeriesMode.InfluxDb)
        {
            builder.Services.AddSingleton<IPointWriter>(sp => new InfluxWriter(Influx(sp), httpClient: null, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<InfluxWriter>>()));
            builder.Services.AddSingleton(sp => new InfluxQueryClient(Influx(sp), httpClient: null, sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddSingleton<ITimeSeriesStore>(sp => new InfluxTimeSeriesStore(sp.GetRequiredService<IPointWriter>(), sp.GetRequiredService<InfluxQueryClient>()));
        }
        else
        {
            builder.Services.AddSingleton(sp =>
            {
                var embedded = sp.GetRequiredService<TimeSeriesOptions>().Embedded;
                // The lifecycle service runs (and counts) the maintenance pass, so the store's own loop is off.
                var options = new SqliteStoreOptions
                {
                    DatabasePath = embedded.DatabasePath,
                    RawRetention = embedded.RawRetention,
                    Rollups = embedded.Rollups,
                    LateArrivalWindow = embedded.LateArrivalWindow,
                    MaintenanceInterval = TimeSpan.Zero,
                };
                return new SqliteTimeSeriesStore(options, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<SqliteTimeSeriesStore>>());
            });
            builder.Services.AddSingleton<ITimeSeriesStore>(sp => sp.GetRequiredService<SqliteTimeSeriesStore>());
            builder.Services.AddSingleton<IPointWriter>(sp => new EmbeddedPointWriter(sp.GetRequiredService<ITimeSeriesStore>(),
                sp.GetRequiredService<TimeSeriesOptions>().EmbeddedBufferLimit, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILogger<EmbeddedPointWriter>>()));
        }

        builder.Services.AddSingleton<SeriesCatalog>();
        builder.Services.AddSingleton<TimeSeriesMetrics>();
        builder.Services.AddSingleton<TimeSeriesLifecycle>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TimeSeriesLifecycle>());
        builder.Services.AddSingleton<IDeviceMessageHandler, DeviceSeriesHandler>();
        builder.Services.AddSingleton<GatewayMetricsSampler>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GatewayMetricsSampler>());
        builder.Services.AddSingleton<AlertSeriesRecorder>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertSeriesRecorder>());
        return builder;
    }

    public static IEndpointRouteBuilder MapTimeSeriesApi(this IEndpointRouteBuilder app)
    {
        TimeSeriesApi.Map(app);
        return app;
    }

    private static InfluxOptions Influx(IServiceProvider services) => services.GetRequiredService<TimeSeriesOptions>().Influx;

    /// <summary>Puts the embedded database and the spool under <c>Storage:DataDirectory</c> unless set.</summary>
    private sealed class DefaultPaths(IOptions<StorageOptions> storage, ILogger<TimeSeriesOptions> logger) : IPostConfigureOptions<TimeSeriesOptions>
    {
        public void PostConfigure(string? name, TimeSeriesOptions options)
        {
            var data = Path.GetFullPath(storage.Value.DataDirectory);
            if (string.IsNullOrWhiteSpace(options.Embedded.DatabasePath))
            {
                options.Embedded.DatabasePath = Path.Combine(data, "timeseries.db");
            }

            if (string.IsNullOrWhiteSpace(options.Influx.SpoolDirectory))
            {
                options.Influx.SpoolDirectory = Path.Combine(data, "influx-spool");
            }

            // Host and database only: never the user info, query string, password or token.
            if (options.Mode == TimeSeriesMode.InfluxDb && options.Influx.ServerUrl is { IsAbsoluteUri: true } url)
            {
                logger.LogInformation("Time series go to InfluxDB at {Server} ({Database})", url.GetLeftPart(UriPartial.Authority).Replace(url.UserInfo + "@", "", StringComparison.Ordinal),
                    options.Influx.Database ?? options.Influx.Bucket);
            }
            else if (options.Mode == TimeSeriesMode.Embedded)
            {
                logger.LogInformation("Time series go to the embedded store {Path}", options.Embedded.DatabasePath);
            }
        }
    }
}
