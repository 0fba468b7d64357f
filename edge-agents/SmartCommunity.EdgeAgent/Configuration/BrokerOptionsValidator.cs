using Microsoft.Extensions.Options;

namespace SmartCommunity.EdgeAgent.Configuration;

/// <summary>Rules that span fields of <see cref="BrokerOptions"/>, on top of its data annotations.</summary>
public sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options) =>
        options.ReconnectMaxDelaySeconds < options.ReconnectInitialDelaySeconds
            ? ValidateOptionsResult.Fail($"Broker:ReconnectMaxDelaySeconds ({options.ReconnectMaxDelaySeconds}) must not be below Broker:ReconnectInitialDelaySeconds ({options.ReconnectInitialDelaySeconds}).")
            : ValidateOptionsResult.Success;
}
