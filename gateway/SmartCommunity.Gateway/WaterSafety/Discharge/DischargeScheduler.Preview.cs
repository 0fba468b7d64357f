namespace SmartCommunity.Gateway.WaterSafety.Discharge;

public sealed partial class DischargeScheduler
{
    /// <summary>
    /// What <see cref="Issue"/> would schedule for this request, without storing or firing anything: the same
    /// checks and the same schedule, so the dashboard's preview cannot drift from what is then issued.
    /// </summary>
    public (DischargeNotice? Notice, Dictionary<string, string>? Errors) Preview(NoticeRequest request)
    {
        lock (_lock)
        {
            Ensure();
            var now = time.GetUtcNow();
            if (Check(request, now) is { } errors)
            {
                return (null, errors);
            }

            var notice = new DischargeNotice { Id = "", IssuedAt = now, State = "preview" };
            Apply(notice, request, now);
            return (notice, null);
        }
    }
}
