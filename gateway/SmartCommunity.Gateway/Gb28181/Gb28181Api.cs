using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Http;
using SmartCommunity.Gb28181.Manscdp;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>A PTZ request: directions (<c>left</c>/<c>right</c>, <c>up</c>/<c>down</c>, <c>zoomIn</c>/<c>zoomOut</c>; none stops) and speeds.</summary>
public sealed record PtzRequest(IReadOnlyList<string>? Motion, int? PanSpeed, int? TiltSpeed, int? ZoomSpeed);

/// <summary>
/// GB/T 28181 operations for people: PTZ of a channel (GB/T 28181-2016 §9.3.2, A.2.3.1 <c>DeviceControl</c> with the
/// 8-byte <c>PTZCmd</c> of Appendix A.3), for public-security staff and admins, as the camera settings are.
/// </summary>
public static class Gb28181Api
{
    public static void MapGb28181Api(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/gb28181").WithTags("GB/T 28181");
        api.MapPost("channels/{id}/ptz", Ptz).RequireAuthorization(AuthPolicies.PublicSecurity);
        // The device's own recordings are evidence held outside the gateway, and each query loads the device: public
        // security and admins, as for PTZ and clip exports (guards see the gateway's own footage of their cells).
        api.MapGet("channels/{id}/records", Playback.RecordsApi.Records).RequireAuthorization(AuthPolicies.PublicSecurity);
        api.MapGet("channels/{id}/playback", Playback.RecordsApi.Playback).RequireAuthorization(AuthPolicies.PublicSecurity);
        api.MapPost("playbacks/{id}/control", Playback.PlaybackControlApi.Control).RequireAuthorization(AuthPolicies.PublicSecurity);
        // Asking an NVR for its channels again changes the camera registry: admins and public security, as camera settings.
        api.MapPost("devices/{id}/catalog", CatalogApi.Query).RequireAuthorization(AuthPolicies.PublicSecurity);
    }

    private static async Task<Results<Ok, BadRequest<ApiProblem>, NotFound<ApiProblem>, Conflict<ApiProblem>, ProblemHttpResult>> Ptz(
        string id, PtzRequest request, DeviceRegistry devices, DeviceSessions sessions, SipClient client, Gb28181Metrics metrics, CancellationToken cancellationToken)
    {
        var motion = PtzMotion.None;
        foreach (var word in request.Motion ?? [])
        {
            motion |= word switch
            {
                "left" => PtzMotion.Left,
                "right" => PtzMotion.Right,
                "up" => PtzMotion.Up,
                "down" => PtzMotion.Down,
                "zoomIn" => PtzMotion.ZoomIn,
                "zoomOut" => PtzMotion.ZoomOut,
                _ => (PtzMotion)(-1),
            };
        }

        var (pan, tilt, zoom) = (request.PanSpeed ?? 128, request.TiltSpeed ?? 128, request.ZoomSpeed ?? 8);
        var error = (int)motion < 0 ? "motion must name left, right, up, down, zoomIn or zoomOut." : PtzCommand.Check(motion, pan, tilt, zoom);
        if (error is not null)
        {
            return ApiProblem.BadRequest("invalid_ptz", error);
        }

        var channel = devices.Get(id)?.Device;
        var parentId = Playback.RecordsApi.ParentOf(id, devices, sessions);
        if (channel is null || parentId is null)
        {
            return ApiProblem.NotFound("unknown_channel", $"'{id}' is not a GB/T 28181 channel.");
        }

        if (sessions.Get(parentId) is not { } session)
        {
            return ApiProblem.Conflict("device_offline", $"The device {parentId} that carries '{id}' is not registered.");
        }

        var command = motion == PtzMotion.None ? PtzCommand.Stop : new PtzCommand(motion, (byte)pan, (byte)tilt, (byte)zoom);
        var message = client.NewRequest("MESSAGE", session, user: id);
        message.Add("Content-Type", "Application/MANSCDP+xml");
        message.Body = ManscdpBodies.PtzControl(client.NextSn(), id, command);
        var answer = await client.SendAsync(message, session, TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        if (answer?.StatusCode is not (>= 200 and < 300))
        {
            metrics.Refused(answer is null ? "ptz-timeout" : "ptz-refused");
            return TypedResults.Problem(answer is null ? "The device did not answer." : $"The device answered {answer.StatusCode} {answer.ReasonPhrase}.",
                statusCode: StatusCodes.Status502BadGateway, title: "Bad Gateway");
        }

        metrics.Message("DeviceControl");
        return TypedResults.Ok();
    }
}
