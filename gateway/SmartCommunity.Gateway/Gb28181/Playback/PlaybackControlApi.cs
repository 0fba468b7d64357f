using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Infrastructure.Http;
using SmartCommunity.Gb28181.Sip;

namespace SmartCommunity.Gateway.Gb28181.Playback;

/// <summary>
/// A control of a running playback: <c>seek</c> to <c>position</c> seconds from the start of the range asked,
/// <c>scale</c> to a speed of GB/T 28181-2016 Appendix B (0.25, 0.5, 1, 2, 4), <c>pause</c> or <c>resume</c>.
/// </summary>
public sealed record PlaybackControlRequest(string? Action, long? Position, double? Scale);

/// <summary>
/// <c>POST /api/gb28181/playbacks/{id}/control</c>, the id from the download's <c>X-Playback-Id</c> header: sends the
/// device the MANSRTSP command in an INFO of the playback dialog (GB/T 28181-2016 §9.8.2). 200 when the device accepted,
/// 400 for an impossible command (counted <c>api-bad-playback-control</c>), 404 for a playback that is not running,
/// 502 when the device refused or did not answer.
/// </summary>
public static class PlaybackControlApi
{
    public static async Task<Results<Ok, BadRequest<ApiProblem>, NotFound<ApiProblem>, ProblemHttpResult>> Control(
        string id, PlaybackControlRequest request, PlaybackStreams playbacks, Gb28181Metrics metrics)
    {
        var playback = playbacks.Find(id);
        Func<long, byte[]>? body = null;
        string? error = null;
        switch (request.Action)
        {
            case "seek" when request.Position is { } position && position >= 0 && (playback is null || position < playback.Seconds):
                body = cseq => MansRtsp.Seek(cseq, position);
                break;
            case "seek":
                error = "seek needs position: whole seconds from the start of the range played, within it.";
                break;
            case "scale" when request.Scale is { } scale && MansRtsp.Scales.Contains(scale):
                body = cseq => MansRtsp.Scale(cseq, scale);
                break;
            case "scale":
                error = "scale must be one of 0.25, 0.5, 1, 2 and 4 (GB/T 28181-2016 Appendix B).";
                break;
            case "pause":
                body = MansRtsp.Pause;
                break;
            case "resume":
                body = MansRtsp.Resume;
                break;
            default:
                error = "action must be seek, scale, pause or resume.";
                break;
        }

        if (error is not null || body is null)
        {
            metrics.Refused("api-bad-playback-control");
            return ApiProblem.BadRequest("invalid_playback_control", error ?? "");
        }

        if (playback is null)
        {
            return ApiProblem.NotFound("unknown_playback", $"No playback '{id}' is running.");
        }

        var status = await playbacks.ControlAsync(playback, body).ConfigureAwait(false);
        return status is >= 200 and < 300
            ? TypedResults.Ok()
            : TypedResults.Problem(status is null ? "The device did not answer." : $"The device answered {status}.", statusCode: StatusCodes.Status502BadGateway, title: "Bad Gateway");
    }
}
