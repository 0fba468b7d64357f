using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SmartCommunity.EdgeAgent.Configuration;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.EdgeAgent.Queue;

namespace SmartCommunity.EdgeAgent.Hosting;

/// <summary>Wiring of the edge agent into a Generic Host; <c>Program.cs</c> calls these in order.</summary>
public static class EdgeAgentHostExtensions
{
    /// <summary>
    /// Adds the file named by <c>--config PATH</c> (or <c>--config=PATH</c>), then environment variables and the
    /// command line again, so that they still override the file (e.g. <c>Devices__0__Secret</c>).
    /// </summary>
    public static IConfigurationManager AddAgentConfigFile(this IConfigurationManager configuration, string[] args)
    {
        var path = ConfigPathFrom(args);
        if (path is null)
        {
            return configuration;
        }

        var full = Path.GetFullPath(path);
        if (!File.Exists(full))
        {
            throw new FileNotFoundException($"Config file given with --config was not found: {full}", full);
        }

        configuration.AddJsonFile(full, optional: false, reloadOnChange: false);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
        return configuration;
    }

    /// <summary>Options (validated when the host starts), drivers, the device runtimes and the counters log.</summary>
    public static IHostApplicationBuilder AddEdgeAgent(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);

        services.AddValidatedOptions<BrokerOptions>(BrokerOptions.Section);
        services.AddSingleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>();
        services.AddValidatedOptions<AgentOptions>(AgentOptions.Section);
        services.AddValidatedOptions<QueueOptions>(AgentOptions.Section + ":Queue");
        services.AddOptions<DevicesOptions>().Configure<IConfiguration>(DevicesOptions.Bind).ValidateOnStart();
        services.AddSingleton<IValidateOptions<DevicesOptions>, DevicesOptionsValidator>();

        services.AddSingleton<DriverRegistry>();
        services.AddSimulatorDrivers();

        services.AddSingleton<EdgeAgentService>();
        services.AddHostedService(sp => sp.GetRequiredService<EdgeAgentService>());
        services.AddHostedService<CountersReporter>();
        // Counters on System.Diagnostics.Metrics, served on Agent:MetricsUrl as the gateway serves its own (docs/architecture.md).
        services.AddMetrics();
        services.TryAddSingleton<Drivers.Sl651.Sl651Listeners>();
        services.AddSingleton<SmartCommunity.Metrics.PrometheusBridge>();
        services.AddHostedService<MetricsEndpoint>();
        return builder;
    }

    /// <summary>Binds <typeparamref name="TOptions"/> to <paramref name="section"/> and checks its annotations when the host starts.</summary>
    private static void AddValidatedOptions<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.All)] TOptions>(this IServiceCollection services, string section)
        where TOptions : class
    {
        services.AddOptions<TOptions>().BindConfiguration(section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<TOptions>>(new AnnotatedOptionsValidator<TOptions>(section));
    }

    /// <summary>
    /// Runs the host. An invalid configuration is printed as a list of problems (exit code 2) before anything starts,
    /// rather than as the host's start-up stack trace.
    /// </summary>
    public static async Task<int> RunAgentAsync(this IHost host)
    {
        var errors = ValidateConfiguration(host.Services);
        if (errors.Count > 0)
        {
            await Console.Error.WriteLineAsync("The edge agent's configuration is invalid:");
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync("  - " + error);
            }

            return 2;
        }

        await host.RunAsync();
        return 0;
    }

    /// <summary>Every problem with every options class of the agent (the same checks <c>ValidateOnStart</c> runs).</summary>
    public static IReadOnlyList<string> ValidateConfiguration(IServiceProvider services)
    {
        var errors = new List<string>();
        void Check<T>()
            where T : class
        {
            try
            {
                _ = services.GetRequiredService<IOptions<T>>().Value;
            }
            catch (OptionsValidationException ex)
            {
                errors.AddRange(ex.Failures);
            }
        }

        Check<BrokerOptions>();
        Check<AgentOptions>();
        Check<QueueOptions>();
        Check<DevicesOptions>();
        return errors;
    }

    /// <summary>Every validation failure inside <paramref name="ex"/> (one options class fails alone, several as an aggregate).</summary>
    public static IReadOnlyList<string> ConfigurationErrors(Exception ex) => ex switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(ConfigurationErrors)],
        _ => [],
    };

    private static string? ConfigPathFrom(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config" && i + 1 < args.Length)
            {
                return args[i + 1];
            }

            if (args[i].StartsWith("--config=", StringComparison.Ordinal))
            {
                return args[i]["--config=".Length..];
            }
        }

        return null;
    }
}
