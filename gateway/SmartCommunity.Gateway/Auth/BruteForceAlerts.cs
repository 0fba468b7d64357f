using System.Globalization;
using SmartCommunity.Gateway.Alerts;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Security;

namespace SmartCommunity.Gateway.Auth;

/// <summary>
/// Brute force as an alert: a burst of failed logins against one name, or from one address, raises an orange
/// <c>brute_force</c> alert (source <c>login</c>, the name or address), in the device's cell when the name is a device.
/// A hosted service rather than a call from <see cref="LoginThrottle"/>: the throttle sits below the broker, which the
/// alert engine delivers through.
/// </summary>
internal sealed class BruteForceAlerts(LoginThrottle throttle, DeviceRegistry devices, IAlertService alerts, ILogger<BruteForceAlerts> logger) : IHostedService
{
    public const string Type = "brute_force";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        throttle.BruteForceDetected += OnBruteForce;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        throttle.BruteForceDetected -= OnBruteForce;
        return Task.CompletedTask;
    }

    private void OnBruteForce(BruteForceAttempt attempt)
    {
        var minutes = attempt.Window.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture);
        var device = attempt.Target == "name" ? devices.Get(attempt.Key)?.Device : null;
        var (titleZh, titleEn, textZh, textEn) = attempt.Target == "name"
            ? ($"疑似暴力破解：{attempt.Key}", $"Suspected brute force: {attempt.Key}",
                $"{minutes} 分钟内账号 {attempt.Key} 登录失败 {attempt.Failures} 次。",
                $"{attempt.Failures} failed logins for {attempt.Key} within {minutes} min.")
            : ($"疑似暴力破解：来自 {attempt.Key}", $"Suspected brute force from {attempt.Key}",
                $"{minutes} 分钟内来自 {attempt.Key} 的登录失败 {attempt.Failures} 次。",
                $"{attempt.Failures} failed logins from {attempt.Key} within {minutes} min.");
        // Names and addresses only: passwords are never seen here.
        logger.LogWarning("Brute force suspected against {Target} {Key}: {Failures} failures", attempt.Target, attempt.Key, attempt.Failures);
        alerts.Raise(new AlertTrigger(new AlertSource("login", attempt.Key), Type, AlertLevel.Orange, device?.CellId,
            new AlertText(titleZh, titleEn), new AlertText(textZh, textEn))
        {
            Category = "Security",
        });
    }
}
