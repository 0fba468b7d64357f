using System.Security.Claims;
using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Http;
using SmartCommunity.Gateway.Video.Cameras;

namespace SmartCommunity.Gateway.Video.LiveView;

/// <summary>
/// <c>GET api/video/cameras/{id}/live[?stream=sub]</c>: the camera's live picture as one endless fragmented MP4
/// (<c>video/mp4; codecs="avc1.…"</c>) for Media Source Extensions, for anyone who may see the camera. The answer
/// starts with the init segment and the newest key frame, then carries every frame as it arrives.
/// </summary>
public static class LiveVideoApi
{
    public static void MapLiveVideoApi(this IEndpointRouteBuilder app) =>
        app.MapGet("api/video/cameras/{id}/live", LiveAsync).WithTags("Video").RequireAuthorization(AuthPolicies.AnyPerson);

    private static async Task LiveAsync(
        string id, string? stream, HttpContext http, ClaimsPrincipal user, CameraRegistry cameras, GridRegistry grid, LiveVideoHub hub, IOptions<VideoOptions> options)
    {
        if (cameras.Visible(id, user, grid) is not { } camera)
        {
            await TypedResults.NotFound().ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        if (stream is not (null or "main" or "sub"))
        {
            await ApiProblem.BadRequest("invalid_stream", "stream must be main or sub.", new Dictionary<string, string> { ["stream"] = "main or sub" }).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }

        using var viewer = hub.Join(camera, sub: stream == "sub");
        string contentType;
        try
        {
            contentType = await viewer.Feed.ContentType.WaitAsync(options.Value.LiveStartTimeout, http.RequestAborted).ConfigureAwait(false);
        }
        catch (LiveUnavailableException exception)
        {
            await TypedResults.Json(ApiProblem.Of(StatusCodes.Status502BadGateway, exception.Code, exception.Message), statusCode: StatusCodes.Status502BadGateway).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }
        catch (TimeoutException)
        {
            await TypedResults.Json(ApiProblem.Of(StatusCodes.Status504GatewayTimeout, "live_timeout", "The camera sent no picture in time."), statusCode: StatusCodes.Status504GatewayTimeout).ExecuteAsync(http).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException)
        {
            return;
        }

        http.Response.ContentType = contentType;
        http.Response.Headers.CacheControl = "no-store";
        // No response buffering anywhere on the way: each frame is written and flushed as it comes.
        http.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            await foreach (var bytes in viewer.ReadAllAsync(http.RequestAborted).ConfigureAwait(false))
            {
                await http.Response.Body.WriteAsync(bytes, http.RequestAborted).ConfigureAwait(false);
                await http.Response.Body.FlushAsync(http.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            // The viewer went away.
        }
    }
}
