using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Broker;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Metrics;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Ingest;
using SmartCommunity.Gateway.Ingest.Journal;
using SmartCommunity.Gateway.Seed;

namespace SmartCommunity.Gateway.Extensions;

/// <summary>Service wiring, one method per feature, as in eShop's <c>AddApplicationServices</c>.</summary>
public static class GatewayServiceExtensions
{
    public static IHostApplicationBuilder AddGatewayInfrastructure(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton(TimeProvider.System);
        // A feature's faulted loop must not stop the host and every other feature with it (issue 19): the
        // supervisor reports it in /health by name and restarts it where that is safe.
        builder.Services.Configure<HostOptions>(o => o.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        // Instruments on System.Diagnostics.Metrics, published on /metrics by prometheus-net (docs/architecture.md).
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<MetricsRegistry>();
        builder.Services.AddSingleton<SmartCommunity.Metrics.PrometheusBridge>();
        builder.AddValidatedOptions<StorageOptions>(StorageOptions.Section);
        builder.AddValidatedOptions<DatabaseOptions>(DatabaseOptions.Section);
        builder.Services.AddSingleton<Database>();
        builder.AddValidatedOptions<SecretsOptions>(SecretsOptions.Section);
        builder.Services.AddSingleton<SecretBox>();
        builder.Services.AddSingleton<MigrationRunner>();
        // Scale-out (docs/scale-out.md): leases in the shared database; outside cluster mode every lease is held.
        builder.AddValidatedOptions<Cluster.ClusterOptions>(Cluster.ClusterOptions.Section);
        builder.Services.AddSingleton<ISchemaProvider, Cluster.ClusterSchema>();
        builder.Services.AddSingleton<Cluster.ClusterLeases>();
        builder.Services.AddSingleton<Cluster.ClusterSequenceClaims>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Cluster.ClusterLeases>());
        builder.Services.AddHostedService<Cluster.ClusterLiveRelay>();
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<CredentialVerifier>();
        builder.AddValidatedOptions<SeedOptions>(SeedOptions.Section);
        builder.Services.AddSingleton<SeedLoader>();
        // First among hosted services: everything after it may rely on a migrated, loaded registry.
        builder.Services.AddHostedService<StartupInitializer>();
        builder.Services.AddSingleton<Operations.ServiceSupervisor>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<Operations.ServiceSupervisor>());
        builder.Services.AddHostedService<BruteForceAlerts>();
        return builder;
    }

    public static IHostApplicationBuilder AddRegistry(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISchemaProvider, GridSchema>();
        builder.Services.AddSingleton<ISchemaProvider, DeviceSchema>();
        builder.Services.AddSingleton<GridRegistry>();
        builder.Services.AddSingleton<DeviceRegistry>();
        builder.Services.AddSingleton<ISeedSection, CellSeedSection>();
        builder.Services.AddSingleton<ISeedSection, PeopleSeedSection>();
        builder.Services.AddSingleton<ISeedSection, DeviceSeedSection>();
        builder.Services.AddSingleton<DevicePresence>();
        builder.Services.AddSingleton<IDeviceMessageHandler>(sp => sp.GetRequiredService<DevicePresence>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<DevicePresence>());
        return builder;
    }

    public static IHostApplicationBuilder AddAuth(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AuthOptions>(AuthOptions.Section);
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<FirstRunAdmin>();
        builder.Services.AddAuthentication(AuthPolicies.Scheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, GatewayAuthenticationHandler>(AuthPolicies.Scheme, null);
        builder.Services.AddAuthorization(AuthPolicies.Configure);
        return builder;
    }

    /// <summary>Ingest pipeline and the broker selected by <c>Broker:Mode</c>.</summary>
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<IngestOptions>(IngestOptions.Section);
        builder.AddValidatedOptions<BrokerOptions>(BrokerOptions.Section);
        builder.Services.AddSingleton<IngestMetrics>();
        builder.Services.AddSingleton<RejectionLog>();
        builder.Services.AddSingleton<MessageProcessor>();
        builder.Services.AddSingleton(sp => new IngestJournal(
            Path.Combine(sp.GetRequiredService<IOptions<StorageOptions>>().Value.DataDirectory, "ingest-journal"), sp.GetRequiredService<MetricsRegistry>()));
        builder.Services.AddSingleton<IngestCheckpointer>();
        builder.Services.AddSingleton<IngestPipeline>();
        builder.Services.AddSingleton<BrokerMetrics>();
        builder.Services.AddSingleton<MqttAccessControl>();
        if (BrokerModeOf(builder) == BrokerMode.External)
        {
            builder.Services.AddSingleton<ExternalBrokerConnection>();
            builder.Services.AddSingleton<IDeviceBus>(sp => sp.GetRequiredService<ExternalBrokerConnection>());
        }
        else
        {
            builder.Services.AddSingleton<EmbeddedBroker>();
            builder.Services.AddSingleton<IDeviceBus>(sp => sp.GetRequiredService<EmbeddedBroker>());
        }

        return builder;
    }

    /// <summary>
    /// Starts the ingest pipeline and then the broker, after every feature (call it last). Hosts stop in reverse:
    /// the broker stops taking messages, the pipeline drains into features that are still running and takes a
    /// final journal checkpoint, and only then do the features stop and commit what they hold.
    /// </summary>
    public static IHostApplicationBuilder StartIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddHostedService(sp => sp.GetRequiredService<IngestPipeline>());
        if (BrokerModeOf(builder) == BrokerMode.External)
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<ExternalBrokerConnection>());
        }
        else
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedBroker>());
        }

        return builder;
    }

    private static BrokerMode BrokerModeOf(IHostApplicationBuilder builder) =>
        builder.Configuration.GetSection(BrokerOptions.Section).GetValue<BrokerMode?>(nameof(BrokerOptions.Mode)) ?? BrokerMode.Embedded;

    /// <summary>Binds a section, validates data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>) at start.</summary>
    public static OptionsBuilder<T> AddValidatedOptions<T>(this IHostApplicationBuilder builder, string section)
        where T : class =>
        builder.Services.AddOptions<T>().BindConfiguration(section).ValidateDataAnnotations().ValidateOnStart();
}
