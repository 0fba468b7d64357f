using Microsoft.Extensions.Options;
using SmartCommunity.EdgeAgent.Devices;
using SmartCommunity.Protocol.Identity;
using SmartCommunity.Protocol.Messages;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.EdgeAgent.Configuration;

/// <summary>
/// Checks the device list at start and reports every problem at once, each naming the device by position and ID
/// so an installer can find it in the file. Never echoes a secret.
/// </summary>
public sealed class DevicesOptionsValidator(DriverRegistry drivers) : IValidateOptions<DevicesOptions>
{
    public ValidateOptionsResult Validate(string? name, DevicesOptions options)
    {
        var errors = new List<string>();
        if (options.Devices.Count == 0)
        {
            errors.Add("Devices: the list is empty; configure at least one device (Id, Kind, Secret, Driver).");
        }

        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < options.Devices.Count; i++)
        {
            var device = options.Devices[i];
            var where = string.IsNullOrEmpty(device.Id) ? $"Devices[{i}]" : $"Devices[{i}] ({device.Id})";
            CheckId(device, where, errors);
            if (!string.IsNullOrEmpty(device.Id))
            {
                if (seen.TryGetValue(device.Id, out var first))
                {
                    errors.Add($"{where}: Id '{device.Id}' is already used by Devices[{first}]; every device needs its own ID (it is its MQTT client ID).");
                }
                else
                {
                    seen[device.Id] = i;
                }
            }

            var kindOk = DeviceKinds.TryParse(device.Kind, out var kind);
            if (!kindOk)
            {
                errors.Add(string.IsNullOrEmpty(device.Kind)
                    ? $"{where}: Kind is missing; use one of {string.Join(", ", DeviceKinds.WireNames)}."
                    : $"{where}: Kind '{device.Kind}' is not one of {string.Join(", ", DeviceKinds.WireNames)}.");
            }

            if (string.IsNullOrWhiteSpace(device.Secret))
            {
                errors.Add($"{where}: Secret is empty; the broker needs the device's password (set it in the config file or Devices__{i}__Secret).");
            }

            CheckDriver(device, kindOk ? kind : null, where, errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void CheckId(DeviceOptions device, string where, List<string> errors)
    {
        if (string.IsNullOrEmpty(device.Id))
        {
            errors.Add($"{where}: Id is missing; every device needs the ID the gateway knows it by.");
            return;
        }

        if (!TopicScheme.IsValidId(device.Id))
        {
            errors.Add($"{where}: Id '{Printable(device.Id)}' must be 1–{TopicScheme.MaxIdLength} characters of letters, digits, '-' and '_' (it becomes part of MQTT topics).");
            return;
        }

        // An ID that is nearly 20 digits is taken to be a GB/T 28181 code and must be a valid one, so a mistyped camera code is caught here.
        if (Gb28181Id.IsMeantAsGb28181(device.Id) && !Gb28181Id.TryParse(device.Id, out _, out var error))
        {
            errors.Add($"{where}: Id looks like a GB/T 28181 code but is not a valid one: {error}");
        }
    }

    private void CheckDriver(DeviceOptions device, DeviceKind? kind, string where, List<string> errors)
    {
        if (string.IsNullOrEmpty(device.Driver))
        {
            errors.Add($"{where}: Driver is missing; available drivers: {string.Join(", ", drivers.Names)}.");
            return;
        }

        if (!drivers.TryGet(device.Driver, out var registration))
        {
            errors.Add($"{where}: Driver '{Printable(device.Driver)}' is not registered; available drivers: {string.Join(", ", drivers.Names)}.");
            return;
        }

        if (kind is { } k && registration.Kinds.Count > 0 && !registration.Kinds.Contains(k))
        {
            errors.Add($"{where}: Driver '{device.Driver}' drives {string.Join(", ", registration.Kinds.Select(x => x.ToWireName()))}, not {k.ToWireName()}.");
        }

        if (registration.CheckSettings?.Invoke(device.Settings) is { } problem)
        {
            errors.Add($"{where}: Settings for driver '{device.Driver}': {problem}");
        }
    }

    private static string Printable(string value) => value.Length <= 70 ? value : value[..70] + "…";
}
