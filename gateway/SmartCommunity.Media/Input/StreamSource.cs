namespace SmartCommunity.Media.Input;

/// <summary>
/// What ffmpeg reads: a URL (never with <c>user:pass@</c>; the camera registry refuses those) and the credentials
/// kept beside it. They meet only in the input list ffmpeg reads from its stdin (<see cref="InputArguments"/>).
/// </summary>
public sealed record StreamSource(string Url, string? Username = null, string? Password = null)
{
    /// <summary>The strings no log line, command line or status may show.</summary>
    public IReadOnlyList<string> Secrets => new[] { Password, Username }.OfType<string>().Where(s => s.Length > 0).ToArray();

    public bool HasCredentials => Username is not null || Password is not null;

    /// <summary>The URL as shown in logs: credentials masked.</summary>
    public string ForLog => MediaUrl.MaskCredentials(Url);

    /// <summary>The URL with the credentials put in (percent-encoded), for ffmpeg's eyes only; a local path for <c>file:</c>.</summary>
    internal string WithCredentials()
    {
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri))
        {
            return Url; // A plain path (the frame source reads clips by path).
        }

        if (uri.IsFile)
        {
            return uri.LocalPath;
        }

        if (!HasCredentials)
        {
            return Url;
        }

        // Inserted into the text as given (UriBuilder refuses a password without a user name, and would re-escape the path).
        var authority = Url.IndexOf("://", StringComparison.Ordinal) + 3;
        return Url[..authority] + Uri.EscapeDataString(Username ?? "") + ":" + Uri.EscapeDataString(Password ?? "") + "@" + Url[authority..];
    }

    // Records print every property; the password must not reach a log line through ToString.
    public override string ToString() => $"StreamSource {{ Url = {ForLog}, Username = {(Username is null ? "" : MediaUrl.Redacted)}, Password = {(Password is null ? "" : MediaUrl.Redacted)} }}";
}
