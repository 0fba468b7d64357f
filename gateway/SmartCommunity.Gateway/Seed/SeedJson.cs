using System.Text.Json;

namespace SmartCommunity.Gateway.Seed;

/// <summary>Reads a seed section's array one entry at a time, so one bad entry costs only itself.</summary>
public static class SeedJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(), new Infrastructure.Http.StoredTextConverter() },
    };

    public static IEnumerable<T> Items<T>(JsonElement section, List<string> errors)
    {
        if (section.ValueKind != JsonValueKind.Array)
        {
            errors.Add("section must be a JSON array");
            yield break;
        }

        var index = 0;
        foreach (var element in section.EnumerateArray())
        {
            T? item = default;
            try
            {
                item = element.Deserialize<T>(Options);
            }
            catch (JsonException ex)
            {
                errors.Add($"entry {index}: {ex.Message}");
            }

            if (item is not null)
            {
                yield return item;
            }
            else if (element.ValueKind == JsonValueKind.Null)
            {
                // JSON null reads as no item: without this line it was skipped in silence (issue 19's fuzz run).
                errors.Add($"entry {index}: null is not an entry (each entry is a JSON object)");
            }

            index++;
        }
    }
}
