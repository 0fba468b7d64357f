using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Gb28181.Playback;

/// <summary>One recording on the device, with its times as instants (the device's local time at <see cref="Gb28181Options.DeviceUtcOffset"/>).</summary>
public sealed record RecordView(string DeviceId, string? Name, string? FilePath, string? Address, DateTimeOffset Start, DateTimeOffset End, int Secrecy, string? Type,
    string? RecorderId, long? FileSize);

/// <summary>The answer of <c>GET /api/gb28181/channels/{id}/records</c>: complete is false when the device stopped short of SumNum.</summary>
public sealed record RecordsView(string Channel, DateTimeOffset Start, DateTimeOffset End, bool Complete, int SumNum, int BadItems, IReadOnlyList<RecordView> Records);

/// <summary>
/// The recordings a GB channel's device keeps for a time range (GB/T 28181-2016 §9.7.1, RecordInfo). Instants in the
/// query are ISO 8601 with an offset; the device is asked in its local time.
/// </summary>
public static class RecordsApi
{
    /// <summary>Earliest instant a query may name; a device clock before it is a fault (see <c>RecordInfoCollector.TryParseTime</c>).</summary>
    private static readonly DateTimeOffset Earliest = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static async Task<Results<Ok<RecordsView>, BadRequest<ApiProblem>, NotFound<ApiProblem>, Conflict<ApiProblem>, ProblemHttpResult>> Records(
        string id, string? start, string? end, DeviceRegistry devices, DeviceSessions sessions, RecordQueries queries, Gb28181Options options,
        Gb28181Metrics metrics, TimeProvider time, CancellationToken cancellationToken)
    {
        var error = CheckRange(start, end, options.MaxRecordQuerySpan, time.GetUtcNow(), out var from, out var to);
        if (error is not null)
        {
            metrics.Refused("api-bad-time-range");
            return ApiProblem.BadRequest("invalid_time_range", error);
        }

        var parentId = ParentOf(id, devices, sessions);
        if (parentId is null)
        {
            return ApiProblem.NotFound("unknown_channel", $"'{id}' is not a GB/T 28181 channel.");
        }

        if (sessions.Get(parentId) is not { } session)
        {
            return ApiProblem.Conflict("device_offline", $"The device {parentId} that carries '{id}' is not registered.");
        }

        var offset = options.DeviceUtcOffset;
        var result = await queries.QueryAsync(session, id, from.ToOffset(offset).DateTime, to.ToOffset(offset).DateTime, cancellationToken).ConfigureAwait(false);
        if (result.List is not { } list)
        {
            var detail = result.Outcome switch
            {
                RecordQueryOutcome.Busy => "Too many record queries are waiting for devices; try again shortly.",
                RecordQueryOutcome.Refused => $"The device answered {result.Detail}.",
                _ => "The device did not answer.",
            };
            return TypedResults.Problem(detail, statusCode: result.Outcome == RecordQueryOutcome.Busy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status502BadGateway);
        }

        var records = list.Items.Select(i => new RecordView(i.DeviceId, i.Name, i.FilePath, i.Address, new DateTimeOffset(i.Start, offset), new DateTimeOffset(i.End, offset),
            i.Secrecy, i.Type, i.RecorderId, i.FileSize)).ToList();
        return TypedResults.Ok(new RecordsView(id, from, to, result.Outcome == RecordQueryOutcome.Complete, list.SumNum, list.BadItems, records));
    }

    /// <summary>
    /// Plays a device's recording of a channel back as a download (GB/T 28181-2016 §9.8): the gateway INVITEs the
    /// playback and writes the PS it receives (pack headers, stream map and video PES, as the live relay gives them) to
    /// the response as <c>video/MP2P</c> (RFC 3555) until the device ends it, reports the end of the file, or the caller
    /// leaves (then BYE). At most <see cref="Gb28181Options.MaxPlaybackSpan"/> per request.
    /// </summary>
    public static async Task<IResult> Playback(string id, string? start, string? end, HttpContext http, DeviceRegistry devices, DeviceSessions sessions, PlaybackStreams playbacks,
        Gb28181Options options, Gb28181Metrics metrics, TimeProvider time, CancellationToken cancellationToken)
    {
        var error = CheckRange(start, end, options.MaxPlaybackSpan, time.GetUtcNow(), out var from, out var to);
        if (error is not null)
        {
            metrics.Refused("api-bad-time-range");
            return ApiProblem.BadRequest("invalid_time_range", error);
        }

        var parentId = ParentOf(id, devices, sessions);
        if (parentId is null)
        {
            return ApiProblem.NotFound("unknown_channel", $"'{id}' is not a GB/T 28181 channel.");
        }

        if (sessions.Get(parentId) is not { } session)
        {
            return ApiProblem.Conflict("device_offline", $"The device {parentId} that carries '{id}' is not registered.");
        }

        var (playback, failure) = await playbacks.StartAsync(session, id, from, to).ConfigureAwait(false);
        if (playback is null)
        {
            return failure is "busy" or "no-media-port"
                ? TypedResults.Problem("Too many streams are running; try again shortly.", statusCode: StatusCodes.Status503ServiceUnavailable)
                : TypedResults.Problem(failure == "invite-timeout" ? "The device did not answer." : "The device refused the playback.", statusCode: StatusCodes.Status502BadGateway);
        }

        var name = FormattableString.Invariant($"{id}-{from.ToUnixTimeSeconds()}-{to.ToUnixTimeSeconds()}.mpg");
        // The handle for POST /api/gb28181/playbacks/{id}/control (seek, speed, pause) while the download runs.
        http.Response.Headers["X-Playback-Id"] = playback.Id;
        http.Response.Headers.AccessControlExposeHeaders = "X-Playback-Id";
        return TypedResults.Stream(async body =>
        {
            try
            {
                // Headers now: the caller learns at once that the device accepted, before the first RTP arrives.
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                await foreach (var unit in playback.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                {
                    await body.WriteAsync(unit, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException)
            {
                // The caller left: BYE below.
            }
            catch (TimeoutException)
            {
                // The caller read too slowly and was cut off (LiveChannel.ReaderQueue): BYE below; the download ends short.
                metrics.Stream("playback-reader-too-slow");
            }
            finally
            {
                await playbacks.EndAsync(playback, "reader-left", sendBye: true).ConfigureAwait(false);
            }
        }, "video/MP2P", name);
    }

    /// <summary>The registered device that carries a channel: its parent (catalog), or itself for an IPC that registered; null when neither.</summary>
    public static string? ParentOf(string id, DeviceRegistry devices, DeviceSessions sessions) =>
        devices.Get(id)?.Device.Attributes.GetValueOrDefault(CatalogSync.ParentAttribute) ?? (sessions.Get(id) is not null ? id : null);

    /// <summary>
    /// Checks an API time range: both ISO 8601 instants with an offset, start before end, no longer than
    /// <paramref name="maxSpan"/>, not before 2000 and not starting in the future. Returns the reason, or null.
    /// </summary>
    public static string? CheckRange(string? start, string? end, TimeSpan maxSpan, DateTimeOffset now, out DateTimeOffset from, out DateTimeOffset to)
    {
        to = default;
        if (!TryInstant(start, out from) || !TryInstant(end, out to))
        {
            return "start and end must be ISO 8601 instants with an offset, e.g. 2026-12-03T08:00:00+08:00.";
        }

        if (to <= from)
        {
            return "end must be after start.";
        }

        if (to - from > maxSpan)
        {
            return $"The range may cover at most {maxSpan.TotalDays.ToString(CultureInfo.InvariantCulture)} days.";
        }

        if (from < Earliest || from > now)
        {
            return "start must lie between 2000-01-01 and now.";
        }

        if (to > now.AddDays(1))
        {
            return "end must not lie more than a day in the future.";
        }

        return null;
    }

    private static bool TryInstant(string? text, out DateTimeOffset value)
    {
        value = default;
        // An offset is required: a bare local time would be read in the server's zone, which says nothing about the device's.
        return text is { Length: > 0 and <= 40 } && (text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > 10)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.None, out value);
    }
}
