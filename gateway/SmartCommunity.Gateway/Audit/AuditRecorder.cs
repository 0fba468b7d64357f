using System.Buffers;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Http;
using SmartCommunity.Gateway.Infrastructure.Metrics;

namespace SmartCommunity.Gateway.Audit;

/// <summary>
/// Records every change a person makes through the API, after the call succeeded: every POST, PUT, PATCH and
/// DELETE under <c>/api</c> answered below 400 by a signed-in person (not a device). One place for every
/// endpoint, so a new admin endpoint is audited without anyone remembering to. Calls that change nothing are
/// listed in <see cref="NotChanges"/>. Written after the handler returns and before the answer is complete, so a
/// reader who saw the answer finds the entry; a failed write is logged and counted (<c>sc_audit_write_failures_total</c>),
/// the change itself is not undone.
/// </summary>
public sealed class AuditRecorder(RequestDelegate next, AuditLog log, GridRegistry grid, TimeProvider time, MetricsRegistry metrics, ILogger<AuditRecorder> logger)
{
    /// <summary>Calls that change nothing: signing out ends only one's own session; a notice preview stores nothing.</summary>
    public static readonly IReadOnlySet<string> NotChanges = new HashSet<string>(StringComparer.Ordinal)
    {
        "api/auth/login",
        "api/auth/logout",
        "api/dashboard/notice-preview",
    };

    private static readonly PathString Api = new("/api");

    private readonly Counter _recorded = metrics.Counter("sc_audit_entries_total", "Administrative changes recorded in the audit log.");
    private readonly Counter _failed = metrics.Counter("sc_audit_write_failures_total", "Administrative changes whose audit entry could not be written (logged with the change).");

    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint() as RouteEndpoint;
        var pattern = endpoint?.RoutePattern.RawText?.Trim('/');
        if (pattern is null || !IsChange(context.Request.Method) || !context.Request.Path.StartsWithSegments(Api)
            || NotChanges.Contains(pattern) || !IsPerson(context))
        {
            await next(context);
            return;
        }

        // The body is read again after the handler, so keep it (in memory up to 30 KB, then in a temporary file).
        context.Request.EnableBuffering(bufferThreshold: 30 * 1024, bufferLimit: ApiRequestLimits.MaxBodyBytes);
        await next(context);
        if (context.Response.StatusCode >= 400)
        {
            return;
        }

        try
        {
            log.Append(await EntryAsync(context, endpoint!, pattern));
            _recorded.Inc();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The change is made and answered: a failed audit entry is counted and logged, never turned into an error.
            _failed.Inc();
            logger.LogError(ex, "Audit entry for {Method} {Route} by {Actor} not written", context.Request.Method, pattern, context.User.Id());
        }
    }

    private async Task<AuditEntry> EntryAsync(HttpContext context, RouteEndpoint endpoint, string pattern)
    {
        var user = context.User;
        var actorName = grid.Snapshot.PersonById(user.Id())?.Name ?? user.Id();
        return new AuditEntry(0, time.GetUtcNow(), user.Id(), actorName, user.Role(), context.Request.Method, KindOf(endpoint),
            pattern, TargetOf(context), context.Response.StatusCode, await BodyAsync(context));
    }

    /// <summary>The route's fixed words after <c>api</c>: <c>api/alerts/{id}/ack</c> is <c>alerts.ack</c>.</summary>
    internal static string KindOf(RouteEndpoint endpoint)
    {
        var words = endpoint.RoutePattern.PathSegments
            .Where(s => s.IsSimple && s.Parts[0] is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart)
            .Select(s => ((Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart)s.Parts[0]).Content)
            .SkipWhile(w => w == "api");
        return string.Join('.', words);
    }

    /// <summary>The route's ID (<c>{id}</c>, <c>{code}</c>), or the created thing's from the answer's Location.</summary>
    private static string? TargetOf(HttpContext context)
    {
        foreach (var key in (string[])["id", "code"])
        {
            if (context.Request.RouteValues.TryGetValue(key, out var value) && value is string text)
            {
                return text;
            }
        }

        var location = context.Response.Headers.Location.ToString();
        return location.Length > 0 ? Uri.UnescapeDataString(location.TrimEnd('/').Split('/')[^1]) : null;
    }

    private static async Task<string?> BodyAsync(HttpContext context)
    {
        var body = context.Request.Body;
        if (!body.CanSeek)
        {
            return null;
        }

        body.Position = 0;
        var buffer = new ArrayBufferWriter<byte>();
        var chunk = new byte[16 * 1024];
        int read;
        while (buffer.WrittenCount < ApiRequestLimits.MaxBodyBytes && (read = await body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk.AsSpan(0, read));
        }

        return AuditRedaction.Summarise(buffer.WrittenSpan);
    }

    private static bool IsChange(string method) =>
        HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method);

    private static bool IsPerson(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true && Roles.PersonRoles.Contains(context.User.Role());
}
