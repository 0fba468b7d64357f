using Microsoft.AspNetCore.Http.HttpResults;
using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Infrastructure.Http;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>A channel as the catalog answer lists it: its ID and the name the device gave it.</summary>
public sealed record CatalogChannel(string Id, string Name, bool Online);

/// <summary>What a device answered to a Catalog query asked from the API.</summary>
public sealed record CatalogAnswer(string DeviceId, string DeviceName, IReadOnlyList<CatalogChannel> Channels);

/// <summary>
/// The Catalog query on demand (GB/T 28181-2016 §9.5.1): an operator who has added cameras to an NVR asks it again
/// instead of waiting for it to re-register. The answer comes when the device's catalog MESSAGEs have been applied
/// (up to 30 s: devices send large catalogs in many MESSAGEs); its channels are then cameras as after registration.
/// </summary>
public static class CatalogApi
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    public static async Task<Results<Ok<CatalogAnswer>, NotFound<ApiProblem>, Conflict<ApiProblem>, JsonHttpResult<ApiProblem>>> Query(
        string id, DeviceRegistry devices, DeviceSessions sessions, CatalogSync catalogs, Gb28181Server server, CancellationToken cancellationToken)
    {
        if (devices.Get(id)?.Device is not { } device)
        {
            return ApiProblem.NotFound("unknown_device", $"No device '{id}'.");
        }

        if (sessions.Get(id) is not { } session)
        {
            return ApiProblem.Conflict("device_offline", $"The device {device.Name} is not registered by GB/T 28181 now.");
        }

        var applied = new TaskCompletionSource<IReadOnlyList<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnApplied(string deviceId, IReadOnlyList<string> stored)
        {
            if (deviceId == id)
            {
                applied.TrySetResult(stored);
            }
        }

        catalogs.Applied += OnApplied;
        try
        {
            if (!await server.QueryCatalogAsync(session, cancellationToken).ConfigureAwait(false))
            {
                return TypedResults.Json(ApiProblem.Of(StatusCodes.Status502BadGateway, "device_no_answer", $"The device {device.Name} did not take the Catalog query."),
                    statusCode: StatusCodes.Status502BadGateway);
            }

            var stored = await applied.Task.WaitAsync(Wait, cancellationToken).ConfigureAwait(false);
            var channels = stored.Select(c => devices.Get(c)).OfType<DeviceRuntime>()
                .Select(c => new CatalogChannel(c.Id, c.Device.Name, c.Device.Attributes.GetValueOrDefault("gb28181.status") != "OFF")).ToList();
            return TypedResults.Ok(new CatalogAnswer(id, device.Name, channels));
        }
        catch (TimeoutException)
        {
            return TypedResults.Json(ApiProblem.Of(StatusCodes.Status504GatewayTimeout, "catalog_timeout", $"The device {device.Name} took the query but sent no complete catalog within 30 s."),
                statusCode: StatusCodes.Status504GatewayTimeout);
        }
        finally
        {
            catalogs.Applied -= OnApplied;
        }
    }
}
