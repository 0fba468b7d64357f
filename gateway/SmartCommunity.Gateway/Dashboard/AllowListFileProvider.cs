using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Primitives;

namespace SmartCommunity.Gateway.Dashboard;

/// <summary>
/// A file provider that shows only the files a predicate allows, after normalising the requested path: anything that
/// is not a plain path of ordinary names (a doubled or trailing slash, a backslash, a percent sign left encoded, a dot
/// segment or a name starting with a dot, a colon, a control character) is not found.
/// </summary>
/// <remarks>
/// Why (issue 19): the dashboard's static files were guarded by <c>StartsWithSegments("/package.json")</c> on the
/// request path, which <c>//package.json</c> does not start with, while <see cref="PhysicalFileProvider"/> trims the
/// leading slashes and served the file. A guard in front of the provider must understand paths exactly as the
/// provider does; a provider that refuses every path but the canonical form of an allowed file cannot be bypassed by
/// another spelling. Kestrel has already decoded the path (except <c>%2F</c>, left encoded) and removed <c>.</c> and
/// <c>..</c> segments, so what is refused here is what a normal browser never sends.
/// </remarks>
internal sealed class AllowListFileProvider(IFileProvider inner, Func<string, bool> allowed) : IFileProvider
{
    public IFileInfo GetFileInfo(string subpath) =>
        Normalise(subpath) is { } path && path.Length > 0 && allowed(path) ? inner.GetFileInfo(path) : new NotFoundFileInfo(subpath);

    // Only the root is listed (UseDefaultFiles looks for index.html there); no other directory is shown.
    public IDirectoryContents GetDirectoryContents(string subpath) =>
        Normalise(subpath) is "" ? inner.GetDirectoryContents("") : NotFoundDirectoryContents.Singleton;

    public IChangeToken Watch(string filter) => NullChangeToken.Singleton;

    /// <summary>
    /// The path without its one leading slash if every segment is an ordinary name, else null. The root (<c>""</c> or
    /// <c>"/"</c>) is <c>""</c>.
    /// </summary>
    internal static string? Normalise(string? subpath)
    {
        if (subpath is null)
        {
            return null;
        }

        var path = subpath.StartsWith('/') ? subpath[1..] : subpath;
        if (path.Length == 0)
        {
            return "";
        }

        foreach (var segment in path.Split('/'))
        {
            if (!IsOrdinaryName(segment))
            {
                return null;
            }
        }

        return path;
    }

    private static bool IsOrdinaryName(string segment)
    {
        if (segment.Length is 0 or > 128 || segment[0] == '.')
        {
            return false; // "" is a doubled or trailing slash; ".", ".." and hidden files start with a dot
        }

        foreach (var c in segment)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}
