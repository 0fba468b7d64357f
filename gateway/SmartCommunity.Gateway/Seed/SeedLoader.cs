using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Devices;

namespace SmartCommunity.Gateway.Seed;

/// <summary>
/// Reads the seed (one file, or a folder of <c>*.json</c> files read in name order) and hands each section to its
/// feature. A folder lets each feature keep its part of a community in its own file; a section that appears in
/// several files is applied from each. A bad file stops the start with a clear error.
/// </summary>
public sealed class SeedLoader(IOptions<SeedOptions> options, IEnumerable<ISeedSection> sections, DeviceRegistry devices, ILogger<SeedLoader> logger)
{
    /// <summary>Largest seed file read, bytes (16 MiB): a city's registry fits many times over.</summary>
    public const long MaxFileBytes = 16 * 1024 * 1024;

    /// <summary>Most files read from a seed folder: a guard against pointing the setting at the wrong folder.</summary>
    public const int MaxFiles = 64;

    public void LoadIfConfigured()
    {
        var path = options.Value.File;
        if (string.IsNullOrWhiteSpace(path))
        {
            return;
        }

        if (options.Value.Mode == SeedMode.IfEmpty && devices.Count > 0)
        {
            logger.LogInformation("Registry already has devices; seed {File} not applied (Seed:Mode is IfEmpty)", path);
            return;
        }

        var documents = ReadAll(SeedFiles(path));
        try
        {
            var known = sections.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var (file, document) in documents)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (!known.Contains(property.Name) && !property.Name.StartsWith('$'))
                    {
                        logger.LogWarning("Seed file {File}: section '{Section}' is not known to this gateway and was skipped", file, property.Name);
                    }
                }
            }

            var errors = 0;
            foreach (var section in sections.OrderBy(s => s.Order))
            {
                foreach (var (file, document) in documents)
                {
                    if (!document.RootElement.TryGetProperty(section.Name, out var element))
                    {
                        continue;
                    }

                    foreach (var error in section.Apply(element))
                    {
                        errors++;
                        logger.LogError("Seed {File} {Section}: {Error}", file, section.Name, error);
                    }
                }
            }

            logger.LogInformation("Applied seed {File} ({Files} files, {Errors} entries refused)", path, documents.Count, errors);
        }
        finally
        {
            foreach (var (_, document) in documents)
            {
                document.Dispose();
            }
        }
    }

    private static List<FileInfo> SeedFiles(string path)
    {
        var full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            var files = new DirectoryInfo(full).GetFiles("*.json").OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
            if (files.Count == 0)
            {
                throw new InvalidOperationException($"Seed folder '{full}' holds no *.json files (Seed:File).");
            }

            return files.Count <= MaxFiles
                ? files
                : throw new InvalidOperationException($"Seed folder '{full}' holds {files.Count} *.json files; the limit is {MaxFiles} (Seed:File).");
        }

        return File.Exists(full)
            ? [new FileInfo(full)]
            : throw new InvalidOperationException($"Seed file '{full}' does not exist (Seed:File).");
    }

    private static List<(string File, JsonDocument Document)> ReadAll(List<FileInfo> files)
    {
        var documents = new List<(string, JsonDocument)>(files.Count);
        try
        {
            foreach (var info in files)
            {
                documents.Add((info.FullName, Read(info)));
            }

            return documents;
        }
        catch
        {
            foreach (var (_, document) in documents)
            {
                document.Dispose();
            }

            throw;
        }
    }

    private static JsonDocument Read(FileInfo info)
    {
        if (info.Length > MaxFileBytes)
        {
            throw new InvalidOperationException($"Seed file '{info.FullName}' is {info.Length} bytes; the limit is {MaxFileBytes}.");
        }

        return Parse(File.ReadAllBytes(info.FullName), info.FullName);
    }

    /// <summary>
    /// A seed file's bytes as a document of sections, or an <see cref="InvalidOperationException"/> naming
    /// <paramref name="file"/> and what is wrong. Separate from reading the file for the fuzz targets (issue 19).
    /// </summary>
    internal static JsonDocument Parse(ReadOnlyMemory<byte> bytes, string file)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, new JsonDocumentOptions { MaxDepth = 32, CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"Seed file '{file}' is not valid JSON: {ex.Message}", ex);
        }

        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new InvalidOperationException($"Seed file '{file}' must hold a JSON object with sections such as \"cells\" and \"devices\".");
        }

        return document;
    }
}
