namespace SmartCommunity.Gateway.Video.Footage;

/// <summary>The footage links alerts carry as evidence: <c>/api/video/cameras/{id}/footage?from&amp;to</c>.</summary>
public static class FootageLink
{
    private const string Prefix = "/api/video/cameras/";

    /// <summary>The camera a footage link names, or null for any other link.</summary>
    public static string? CameraOf(string uri)
    {
        var start = uri.IndexOf(Prefix, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var rest = uri[(start + Prefix.Length)..];
        var end = rest.IndexOf('/', StringComparison.Ordinal);
        return end > 0 ? rest[..end] : null;
    }
}
