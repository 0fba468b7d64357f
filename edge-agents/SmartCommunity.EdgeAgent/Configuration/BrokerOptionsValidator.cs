using Microsoft.Extensions.Options;

namespace SmartCommunity.EdgeAgent.Configuration;

/// <summary>Rules that span fields of <see cref="BrokerOptions"/>, on top of its data annotations.</summary>
public sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options)
    {
        var errors = new List<string>();
        if (options.ReconnectMaxDelaySeconds < options.ReconnectInitialDelaySeconds)
        {
            errors.Add($"Broker:ReconnectMaxDelaySeconds ({options.ReconnectMaxDelaySeconds}) must not be below Broker:ReconnectInitialDelaySeconds ({options.ReconnectInitialDelaySeconds}).");
        }

        if (options.CaCertificateFile is { Length: > 0 } ca)
        {
            if (!options.UseTls)
            {
                errors.Add("Broker:CaCertificateFile is set but Broker:UseTls is false; set UseTls to connect over TLS.");
            }

            if (!File.Exists(ca))
            {
                errors.Add($"Broker:CaCertificateFile '{ca}' does not exist.");
            }
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
