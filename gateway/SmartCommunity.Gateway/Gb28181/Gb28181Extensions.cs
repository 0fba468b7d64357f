using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Gb28181.Live;
using SmartCommunity.Gateway.Gb28181.Playback;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>Wiring of the GB/T 28181 server (issue 18). Nothing listens unless <c>Gb28181:Enabled</c> is true.</summary>
public static class Gb28181Extensions
{
    public static IHostApplicationBuilder AddGb28181(this IHostApplicationBuilder builder)
    {
        builder.AddValidatedOptions<Gb28181Options>(Gb28181Options.Section);
        // The credentials table exists whether or not the server runs, so secrets set while it is off still work later.
        builder.Services.AddSingleton<ISchemaProvider, Gb28181Schema>();
        builder.Services.AddSingleton(sp => sp.GetRequiredService<IOptions<Gb28181Options>>().Value);
        builder.Services.AddSingleton<SipCredentialStore>();
        builder.Services.AddSingleton<Gb28181Metrics>();
        builder.Services.AddSingleton<DeviceSessions>();
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<Gb28181Options>();
            return new DigestAuthenticator(options.EffectiveRealm, options.NonceLifetime, sp.GetRequiredService<TimeProvider>());
        });
        builder.Services.AddSingleton(sp => new PerMinuteLimiter(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Gb28181Options>().MaxRegistersPerSourcePerMinute));
        builder.Services.AddSingleton<Registrar>();
        builder.Services.AddSingleton<SipClient>();
        builder.Services.AddSingleton<LiveStreams>();
        builder.Services.AddSingleton<LiveRelay>();
        builder.Services.AddSingleton<GbCameras>();
        builder.Services.AddSingleton<CatalogSync>();
        builder.Services.AddSingleton<GbAlarms>();
        builder.Services.AddSingleton<Subscriptions>();
        builder.Services.AddSingleton<Cascade.UpstreamRecords>();
        builder.Services.AddSingleton<Cascade.UpstreamQueries>();
        builder.Services.AddSingleton<Cascade.UpstreamPlatform>();
        builder.Services.AddSingleton<Cascade.UpstreamMedia>();
        builder.Services.AddSingleton<Cascade.UpstreamAlarms>();
        builder.Services.AddSingleton<Ingest.IDeviceMessageHandler>(sp => sp.GetRequiredService<Cascade.UpstreamAlarms>());
        builder.Services.AddSingleton<RecordQueries>();
        builder.Services.AddSingleton<PlaybackStreams>();
        builder.Services.AddSingleton<Gb28181Server>();
        if (builder.Configuration.GetSection(Gb28181Options.Section).GetValue<bool>(nameof(Gb28181Options.Enabled)))
        {
            builder.Services.AddHostedService(sp => sp.GetRequiredService<Gb28181Server>());
        }
        else
        {
            // Still resolve the store early, so secrets set while SIP is off are kept as HA1.
            builder.Services.AddHostedService(sp => new CredentialKeeper(sp.GetRequiredService<SipCredentialStore>()));
        }

        return builder;
    }

    private sealed class CredentialKeeper(SipCredentialStore store) : IHostedService
    {
        public SipCredentialStore Store { get; } = store;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
