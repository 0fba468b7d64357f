using SmartCommunity.Gateway.Grid;
using SmartCommunity.Protocol.Identity;
using SmartCommunity.Protocol.Topics;

namespace SmartCommunity.Gateway.Video.Cameras;

/// <summary>Checks a camera request; returns the reason it is refused, or null with the camera to store.</summary>
public static class CameraRules
{
    public const int MaxZones = 32;
    public const int MaxLines = 32;
    public const int MaxPolygonPoints = 64;
    public const int MaxUrlLength = 2048;
    public const int MaxCredentialLength = 256;

    private static readonly string[] NetworkSchemes = ["rtsp", "rtsps", "http", "https"];

    public static string? Check(string id, CameraRequest request, Camera? existing, GridSnapshot grid, bool allowFileUrls, out Camera? camera)
    {
        camera = null;
        if (!Gb28181Id.TryParse(id, out var code, out var codeError))
        {
            return "Camera ID must be a GB/T 28181 code: " + codeError;
        }

        if (!code.IsCamera)
        {
            return $"GB/T 28181 type code {code.TypeCode} ({code.Type}) is not a camera (131 camera or 132 IPC).";
        }

        if (string.IsNullOrWhiteSpace(request.Name) || request.Name.Length > 100 || request.Name.Any(char.IsControl))
        {
            return "Field 'name' must have 1–100 printable characters.";
        }

        if (grid.Cell(request.CellId) is not { } cell)
        {
            return $"Cell '{request.CellId}' does not exist.";
        }

        var lat = request.Lat ?? cell.Lat;
        var lon = request.Lon ?? cell.Lon;
        if (lat is { } la && la is not (>= -90 and <= 90) || lon is { } lo && lo is not (>= -180 and <= 180))
        {
            return "Fields 'lat' and 'lon' must be a WGS-84 position.";
        }

        var error = CheckUrl("mainUrl", request.MainUrl, required: true, allowFileUrls)
            ?? CheckUrl("subUrl", request.SubUrl, required: false, allowFileUrls)
            ?? CheckCredential("username", request.Username)
            ?? CheckCredential("password", request.Password)
            ?? CheckRegions(request.Zones ?? [], request.Lines ?? [])
            ?? CheckRecording(request.Recording ?? RecordingPolicy.Default)
            ?? CheckAnalysis(request.Analysis ?? AnalysisPolicy.Default);
        if (error is not null)
        {
            return error;
        }

        var username = request.ClearCredentials ? null : request.Username ?? existing?.Streams.Username;
        var password = request.ClearCredentials ? null : request.Password ?? existing?.Streams.Password;
        camera = new Camera(id, request.Name.Trim(), cell.Id, lat, lon,
            new CameraStreams(request.MainUrl!, string.IsNullOrEmpty(request.SubUrl) ? null : request.SubUrl, username, password),
            request.Zones ?? [], request.Lines ?? [], request.Recording ?? RecordingPolicy.Default, request.Analysis ?? AnalysisPolicy.Default);
        return null;
    }

    /// <summary>
    /// Stream URLs are shown and logged, so they must not carry credentials; ffmpeg gets only the schemes a camera
    /// speaks (a <c>concat:</c>, <c>subfile:</c> or <c>data:</c> URL would let a caller read gateway files).
    /// </summary>
    public static string? CheckUrl(string field, string? url, bool required, bool allowFileUrls)
    {
        if (string.IsNullOrEmpty(url))
        {
            return required ? $"Field '{field}' is required." : null;
        }

        if (url.Length > MaxUrlLength || url.Any(c => char.IsControl(c) || char.IsWhiteSpace(c)))
        {
            return $"Field '{field}' must be a URL of at most {MaxUrlLength} characters without spaces or control characters.";
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return $"Field '{field}' is not an absolute URL.";
        }

        if (uri.Scheme == Uri.UriSchemeFile)
        {
            return allowFileUrls && uri.IsFile && !url.Contains("..", StringComparison.Ordinal)
                ? null
                : $"Field '{field}': file URLs are accepted only when Video:AllowFileUrls is on (demo and tests).";
        }

        if (!NetworkSchemes.Contains(uri.Scheme))
        {
            return $"Field '{field}' must be an rtsp, rtsps, http or https URL.";
        }

        if (string.IsNullOrEmpty(uri.Host))
        {
            return $"Field '{field}' has no host.";
        }

        return string.IsNullOrEmpty(uri.UserInfo)
            ? null
            : $"Field '{field}' must not carry credentials: put them in 'username' and 'password', which are never shown.";
    }

    private static string? CheckCredential(string field, string? value) =>
        value is not null && (value.Length is 0 or > MaxCredentialLength || value.Any(char.IsControl))
            ? $"Field '{field}' must have 1–{MaxCredentialLength} characters without control characters."
            : null;

    /// <summary>The zones and counting lines drawn on a camera's picture (the camera form and the region editor's own call).</summary>
    public static string? CheckRegions(IReadOnlyList<CameraZone> zones, IReadOnlyList<CameraLine> lines) => CheckZones(zones) ?? CheckLines(lines);

    // A region's name is optional (seeds before names had none); when given it is what people read, so it is text.
    private static bool BadName(string? name) => name is not null && (string.IsNullOrWhiteSpace(name) || name.Length > 100 || name.Any(char.IsControl));

    private static bool InFrame(FramePoint p) => p.X is >= 0 and <= 1 && p.Y is >= 0 and <= 1;

    private static string? CheckZones(IReadOnlyList<CameraZone> zones)
    {
        if (zones.Count > MaxZones)
        {
            return $"At most {MaxZones} zones.";
        }

        foreach (var zone in zones)
        {
            if (zone is null || !TopicScheme.IsValidId(zone.Id))
            {
                return "Zone IDs must be 1–64 letters, digits, '-' or '_'.";
            }

            if (BadName(zone.Name))
            {
                return $"Zone '{zone.Id}': name must have 1–100 printable characters.";
            }

            if (zone.Kind is not (ZoneKinds.DangerWater or ZoneKinds.General))
            {
                return $"Zone '{zone.Id}': kind must be '{ZoneKinds.DangerWater}' or '{ZoneKinds.General}'.";
            }

            if (zone.Polygon is null || zone.Polygon.Count is < 3 or > MaxPolygonPoints || !zone.Polygon.All(InFrame))
            {
                return $"Zone '{zone.Id}': polygon needs 3–{MaxPolygonPoints} points with x and y between 0 and 1.";
            }

            if (Math.Abs(Area(zone.Polygon)) < 1e-6)
            {
                return $"Zone '{zone.Id}': polygon has no area.";
            }
        }

        return zones.GroupBy(z => z.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"Zone ID '{twice.Key}' is used twice."
            : null;
    }

    private static string? CheckLines(IReadOnlyList<CameraLine> lines)
    {
        if (lines.Count > MaxLines)
        {
            return $"At most {MaxLines} lines.";
        }

        foreach (var line in lines)
        {
            if (line is null || !TopicScheme.IsValidId(line.Id))
            {
                return "Line IDs must be 1–64 letters, digits, '-' or '_'.";
            }

            if (BadName(line.Name))
            {
                return $"Line '{line.Id}': name must have 1–100 printable characters.";
            }

            if (!InFrame(line.A) || !InFrame(line.B) || !InFrame(line.InSide))
            {
                return $"Line '{line.Id}': points need x and y between 0 and 1.";
            }

            var length = Math.Sqrt(Math.Pow(line.B.X - line.A.X, 2) + Math.Pow(line.B.Y - line.A.Y, 2));
            if (length < 0.01)
            {
                return $"Line '{line.Id}': a and b must be apart (at least 1% of the frame).";
            }

            // The in-side point must lie off the line, else "in" has no side.
            var cross = ((line.B.X - line.A.X) * (line.InSide.Y - line.A.Y)) - ((line.B.Y - line.A.Y) * (line.InSide.X - line.A.X));
            if (Math.Abs(cross) / length < 0.005)
            {
                return $"Line '{line.Id}': inSide must lie off the line.";
            }
        }

        return lines.GroupBy(l => l.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice
            ? $"Line ID '{twice.Key}' is used twice."
            : null;
    }

    private static string? CheckRecording(RecordingPolicy recording) =>
        recording.SegmentSeconds is < 2 or > 60 ? "Field 'recording.segmentSeconds' must be 2–60."
        : recording.RetentionDays is < 1 or > 3650 ? "Field 'recording.retentionDays' must be 1–3650."
        : null;

    private static string? CheckAnalysis(AnalysisPolicy analysis) =>
        !Enum.IsDefined(analysis.Site) ? "Field 'analysis.site' must be off, gateway or edge."
        : analysis.DetectFps is not (>= 0.2 and <= 30) ? "Field 'analysis.detectFps' must be 0.2–30."
        : analysis.DetectWidth is < 64 or > 3840 || analysis.DetectHeight is < 64 or > 2160 ? "Fields 'analysis.detectWidth' and 'detectHeight' must be 64–3840 and 64–2160."
        : null;

    private static double Area(IReadOnlyList<FramePoint> polygon)
    {
        var sum = 0.0;
        for (var i = 0; i < polygon.Count; i++)
        {
            var a = polygon[i];
            var b = polygon[(i + 1) % polygon.Count];
            sum += (a.X * b.Y) - (b.X * a.Y);
        }

        return sum / 2;
    }
}
