using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;

namespace SmartCommunity.Gateway.VideoAnalysis;

/// <summary>Analysis health per camera for staff: state, frame rates, drops, restarts, last error.</summary>
public static class AnalysisApi
{
    public static RouteGroupBuilder MapAnalysisApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("api/video/analysis").WithTags("Video analysis");
        api.MapGet("", List).RequireAuthorization(AuthPolicies.Staff);
        api.MapGet("{cameraId}", Get).RequireAuthorization(AuthPolicies.Staff);
        return api;
    }

    private static Ok<IReadOnlyList<AnalysisView>> List(VideoAnalysisService analysis) => TypedResults.Ok(analysis.Views());

    private static Results<Ok<AnalysisView>, NotFound> Get(string cameraId, VideoAnalysisService analysis) =>
        analysis.View(cameraId) is { } view ? TypedResults.Ok(view) : TypedResults.NotFound();
}
