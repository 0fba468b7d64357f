using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Storage;
using SmartCommunity.Gateway.Seed;

namespace SmartCommunity.Gateway.Extensions;

/// <summary>
/// Runs first among the hosted services, before the broker accepts anyone: schema, registry into memory,
/// seed, first-run admin. A failure here stops the start with its reason.
/// </summary>
internal sealed class StartupInitializer(MigrationRunner migrations, GridRegistry grid, DeviceRegistry devices, SeedLoader seed, FirstRunAdmin admin) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        migrations.Migrate();
        grid.Load();
        devices.Load();
        seed.LoadIfConfigured();
        admin.Ensure();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
