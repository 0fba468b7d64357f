using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SmartCommunity.Gateway.Audit;

/// <summary>
/// What of a request body may be kept in the audit log: everything but secrets. A field whose name speaks of a
/// secret (password, secret, token, credential, key, username of a camera) keeps only that it was set; a URL keeps
/// neither its user information (<c>rtsp://user:pass@…</c>, RFC 3986 §3.2.1) nor its query (webhook tokens live
/// there). A body that is not JSON is described by its size only.
/// </summary>
public static class AuditRedaction
{
    /// <summary>Longest detail kept: a camera with its zones is a few KB; more says nothing a reader needs.</summary>
    public const int MaxDetailChars = 4000;

    public const string Hidden = "***";

    // Chinese names and notes kept readable (not \uXXXX); the detail is shown as text, never as markup.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly string[] SecretWords = ["password", "secret", "token", "credential", "apikey", "key", "username", "user"];

    public static string? Summarise(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return null;
        }

        string text;
        try
        {
            text = Redact(JsonNode.Parse(body))?.ToJsonString(Readable) ?? "null";
        }
        catch (JsonException)
        {
            return $"({body.Length} bytes, not JSON)";
        }
        catch (ArgumentException)
        {
            // A property named twice: the handler's reader took the last, JsonObject refuses it when enumerated. A
            // hostile body's shape, not a secret-free copy we could vouch for, so only its size is kept.
            return $"({body.Length} bytes, JSON with a property named twice)";
        }

        return text.Length <= MaxDetailChars ? text : text[..MaxDetailChars] + "…";
    }

    /// <summary>A redacted copy (a node cannot be moved between parents, so the copy is built anew).</summary>
    private static JsonNode? Redact(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(p.Key,
            IsSecretName(p.Key) && p.Value is not null ? JsonValue.Create(Hidden) : Redact(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Redact)]),
        JsonValue value when value.TryGetValue<string>(out var text) => JsonValue.Create(RedactUrl(text)),
        _ => node?.DeepClone(),
    };

    private static bool IsSecretName(string key)
    {
        var lower = key.ToLowerInvariant();
        return SecretWords.Any(word => lower == word || lower.EndsWith(word, StringComparison.Ordinal) || lower.StartsWith(word, StringComparison.Ordinal));
    }

    /// <summary>A URL without user information or query; any other text as it is.</summary>
    internal static string RedactUrl(string text)
    {
        if (!text.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(text, UriKind.Absolute, out var uri))
        {
            return text;
        }

        if (uri.UserInfo.Length == 0 && uri.Query.Length == 0)
        {
            return text;
        }

        var kept = uri.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
        return kept + (uri.Query.Length > 0 ? "?" + Hidden : "");
    }
}
