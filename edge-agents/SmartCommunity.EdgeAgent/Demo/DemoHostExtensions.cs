using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SmartCommunity.EdgeAgent.Demo;

/// <summary>Turns the agent into the demo's community when its configuration has a <c>Demo:Scenario</c>.</summary>
public static class DemoHostExtensions
{
    /// <summary>
    /// Plans the scenario against the seed, adds the simulated devices to the configuration (before the agent binds
    /// its devices), writes the gateway's seed, and adds the camera streams and the scenario's people.
    /// </summary>
    public static IHostApplicationBuilder AddDemoScenario(this IHostApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection(DemoOptions.Section).Get<DemoOptions>();
        if (options is null || string.IsNullOrWhiteSpace(options.Scenario))
        {
            return builder;
        }

        // The clips depend on the scenario, the seed's cameras and the pace, not on when the cycle starts: they are
        // rendered first, and the clock starts after, so the calm first minute is not spent rendering.
        Console.WriteLine($"Demo: rendering the camera clips into {Path.GetFullPath(options.DataDirectory)} (reused when unchanged)...");
        DemoPlan.Create(options, TimeProvider.System.GetUtcNow()).RenderClips();
        var plan = DemoPlan.Create(options, TimeProvider.System.GetUtcNow());
        plan.WriteSeed();
        builder.Configuration.AddInMemoryCollection(plan.DeviceConfiguration);
        builder.Services.AddSingleton(plan);
        builder.Services.AddHostedService<DemoStreams>();
        builder.Services.AddHostedService<DemoStaff>();
        if (options.Gb28181.GatewayPort > 0)
        {
            builder.Services.AddSingleton(options.Gb28181);
            builder.Services.AddHostedService<DemoGbCamera>();
        }

        return builder;
    }
}
