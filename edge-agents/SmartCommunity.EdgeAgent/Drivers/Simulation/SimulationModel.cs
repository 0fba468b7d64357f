using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.EdgeAgent.Drivers.Simulation;

/// <summary>
/// A simulated device as a pure step function: given the time, what it sends. Drivers call <see cref="Advance"/> every
/// <see cref="Tick"/>; tests call it directly over a simulated day.
/// </summary>
public abstract class SimulationModel(Random random, DateTimeOffset start)
{
    protected Random Random { get; } = random;

    protected DateTimeOffset Start { get; } = start;

    /// <summary>How often <see cref="Advance"/> should be called.</summary>
    public abstract TimeSpan Tick { get; }

    /// <summary>The messages due at <paramref name="now"/>, in order.</summary>
    public abstract IEnumerable<SimulatedMessage> Advance(DateTimeOffset now);

    /// <summary>Poisson-distributed count with mean <paramref name="lambda"/> (Knuth; fine for the small means of one tick).</summary>
    protected int Poisson(double lambda)
    {
        if (lambda <= 0)
        {
            return 0;
        }

        var limit = Math.Exp(-Math.Min(lambda, 30));
        var count = 0;
        var product = Random.NextDouble();
        while (product > limit)
        {
            count++;
            product *= Random.NextDouble();
        }

        return count;
    }

    protected double Gaussian(double sigma) =>
        sigma * Math.Sqrt(-2 * Math.Log(1 - Random.NextDouble())) * Math.Cos(2 * Math.PI * Random.NextDouble());
}

/// <summary>One message a simulator emits: telemetry or an event.</summary>
public readonly record struct SimulatedMessage(TelemetryMessage? Telemetry, EventMessage? Event)
{
    public static implicit operator SimulatedMessage(TelemetryMessage telemetry) => new(telemetry, null);

    public static implicit operator SimulatedMessage(EventMessage evt) => new(null, evt);
}
