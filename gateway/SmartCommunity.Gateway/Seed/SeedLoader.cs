using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;

namespace SmartCommunity.Gateway.Seed;

/// <summary>Reads the seed file and hands each section to its feature. A bad file stops the start with a clear error.</summary>
public sealed class SeedLoader(IOptions<SeedOptions> options, IEnumerable<ISeedSection> sections, DeviceRegistry devices, ILogger<SeedLoader> logger)
{
    /// <summary>Largest seed file read, bytes (16 MiB): a city's registry fits many times over.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    public void LoadIfConfigured()
    {
        var file = options.Value.File;
        if (string.IsNullOrWhiteSpace(file))
        {
            return;
        }

        if (options.Value.Mode == SeedMode.IfEmpty && devices.Count > 0)
        {
            logger.LogInformation("Registry already has devices; seed {File} not applied (Seed:Mode is IfEmpty)", file);
            return;
        }

        var info = new FileInfo(file);
        if (!info.Exists)
        {
            throw new InvalidOperationException($"Seed file '{info.FullName}' does not exist (Seed:File).");
        }

        if (info.Length > MaxFileBytes)
        {
            throw new InvalidOperationException($"Seed file '{info.FullName}' is {info.Length} bytes; the limit is {MaxFileBytes}.");
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(info.FullName), new JsonDocumentOptions { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Seed file '{info.FullName}' is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new InvalidOperationException($"Seed file '{info.FullName}' must hold a JSON object with sections such as \"cells\" and \"devices\".");
            }

            var known = sections.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!known.Contains(property.Name) && !property.Name.StartsWith('$'))
                {
                    logger.LogWarning("Seed file section '{Section}' is not known to this gateway and was skipped", property.Name);
                }
            }

            var errors = 0;
            foreach (var section in sections.OrderBy(s => s.Order))
            {
                if (!document.RootElement.TryGetProperty(section.Name, out var element))
                {
                    continue;
                }

                foreach (var error in section.Apply(element))
                {
                    errors++;
                    logger.LogError("Seed {Section}: {Error}", section.Name, error);
                }
            }

            logger.LogInformation("Applied seed {File} ({Errors} entries refused)", info.FullName, errors);
        }
    }
}
