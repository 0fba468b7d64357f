using SmartCommunity.Gateway.Extensions;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Audit;

public static class AuditExtensions
{
    public static IHostApplicationBuilder AddAudit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ISchemaProvider, AuditSchema>();
        builder.Services.AddSingleton<AuditLog>();
        builder.AddValidatedOptions<AuditOptions>(AuditOptions.Section);
        builder.Services.AddSingleton<AuditRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AuditRetention>());
        return builder;
    }

    /// <summary>After authorisation (it needs the caller) and before the endpoints (it keeps their bodies readable).</summary>
    public static IApplicationBuilder UseAuditLog(this IApplicationBuilder app) => app.UseMiddleware<AuditRecorder>();
}
