using System.ComponentModel.DataAnnotations;
using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.Options;

namespace SmartCommunity.EdgeAgent.Configuration;

/// <summary>
/// Checks an options class's data annotations, like <c>ValidateDataAnnotations()</c>, but reports each failure as one
/// plain sentence that names the configuration key (<c>Broker:Port must be …</c>) instead of wrapping it in
/// "DataAnnotation validation failed for … members: … with the error: …".
/// </summary>
public sealed class AnnotatedOptionsValidator<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicProperties)] TOptions>(string section)
    : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var results = new List<ValidationResult>();
        if (Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(results.Select(r =>
        {
            var message = r.ErrorMessage ?? "is invalid.";
            return message.StartsWith(section + ":", StringComparison.Ordinal)
                ? message
                : $"{section}:{string.Join(", ", r.MemberNames)}: {message}";
        }));
    }
}
