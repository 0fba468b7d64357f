using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Auth;
using SmartCommunity.Gateway.WaterSafety.Discharge;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Dashboard;

/// <summary>
/// <c>POST api/dashboard/notice-preview</c>: which spots a discharge notice would warn, and when, before the water
/// authority issues it (or an amendment). Nothing is stored or sent; the same checks answer 400 per field.
/// </summary>
public static class NoticePreviewApi
{
    public static IEndpointRouteBuilder MapNoticePreviewApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("api/dashboard/notice-preview", Preview).RequireAuthorization(AuthPolicies.WaterAuthority).WithTags("Dashboard");
        return app;
    }

    private static Results<Ok<DischargeNotice>, BadRequest<ApiProblem>> Preview(NoticeRequest body, DischargeScheduler scheduler)
    {
        var (notice, errors) = scheduler.Preview(body);
        return errors is not null
            ? ApiProblem.BadRequest("invalid_notice", "The discharge notice is not valid.", errors)
            : TypedResults.Ok(notice!);
    }
}
