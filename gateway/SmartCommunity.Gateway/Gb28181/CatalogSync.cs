using SmartCommunity.Gateway.Devices;
using SmartCommunity.Gateway.Gb28181.Live;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gb28181.Manscdp;
using SmartCommunity.Protocol.Identity;
using SmartCommunity.Protocol.Messages;

namespace SmartCommunity.Gateway.Gb28181;

/// <summary>
/// Turns a device's catalog into registry entries: every video channel (a GB/T 28181 ID of a video type, e.g. 131/132)
/// becomes a device of kind <c>camera</c> in the parent's cell, named as the catalog names it, with the attributes
/// <c>gb28181.parent</c>, <c>gb28181.civilCode</c>, <c>gb28181.manufacturer</c>, <c>gb28181.status</c>; its presence
/// follows the catalog's Status and the parent's registration. Channels never log in themselves: each gets a random
/// secret that is never shown. Each video channel is also a camera in the video registry (<see cref="GbCameras"/>). Other items (business groups 215, organisations 216, alarm inputs) are counted, not stored.
/// </summary>
public sealed class CatalogSync(DeviceRegistry devices, DevicePresence presence, GbCameras cameras, Gb28181Metrics metrics, ILogger<CatalogSync> logger)
{
    public const string ParentAttribute = "gb28181.parent";

    /// <summary>Raised after a catalog was applied, with the channels stored (tests and the API wait on it).</summary>
    public event Action<string, IReadOnlyList<string>>? Applied;

    public IReadOnlyList<string> Apply(Catalog catalog)
    {
        var parent = devices.Get(catalog.DeviceId);
        if (parent is null)
        {
            metrics.Refused("catalog-unknown-device");
            return [];
        }

        var stored = new List<string>();
        foreach (var item in catalog.Items)
        {
            if (item.DeviceId == catalog.DeviceId && parent.Device.Kind == DeviceKind.Camera)
            {
                // An IPC lists itself as its own channel: it is already registered; its stream is its own.
                cameras.Ensure(item.DeviceId, catalog.DeviceId, parent.Device.Name, parent.Device.CellId, parent.Device.Lat, parent.Device.Lon);
                stored.Add(item.DeviceId);
                continue;
            }

            if (!Gb28181Id.TryParse(item.DeviceId, out var code, out _) || !code.CarriesVideo)
            {
                metrics.Refused(code is null ? "catalog-bad-channel-id" : "catalog-not-video");
                continue;
            }

            var existing = devices.Get(item.DeviceId);
            if (existing is not null && existing.Device.Attributes.GetValueOrDefault(ParentAttribute) != catalog.DeviceId)
            {
                metrics.Refused("catalog-channel-owned-elsewhere"); // Never let one device take over another's registration.
                continue;
            }

            var attributes = new Dictionary<string, string>(existing?.Device.Attributes ?? new Dictionary<string, string>())
            {
                [ParentAttribute] = catalog.DeviceId,
                ["gb28181.status"] = item.Online ? "ON" : "OFF",
            };
            Put(attributes, "gb28181.civilCode", item.CivilCode);
            Put(attributes, "gb28181.manufacturer", item.Manufacturer);
            Put(attributes, "gb28181.model", item.Model);
            var name = Printable(item.Name);
            var device = new Device(item.DeviceId, DeviceKind.Camera, name, parent.Device.CellId, item.Latitude ?? parent.Device.Lat,
                item.Longitude ?? parent.Device.Lon, true, attributes);
            var error = devices.Upsert(device, existing is null ? SecretHasher.NewSecret() : null);
            if (error is not null)
            {
                metrics.Refused("catalog-store-failed");
                logger.LogWarning("GB/T 28181 channel {Channel} of {Device} not stored: {Error}", item.DeviceId, catalog.DeviceId, error);
                continue;
            }

            cameras.Ensure(item.DeviceId, catalog.DeviceId, name, device.CellId, device.Lat, device.Lon);
            SetPresence(item.DeviceId, item.Online, item.Online ? "catalog status ON" : "catalog status OFF");
            stored.Add(item.DeviceId);
        }

        metrics.Message("Catalog");
        logger.LogInformation("GB/T 28181 catalog of {Device}: {Stored} of {Items} channels stored", catalog.DeviceId, stored.Count, catalog.Items.Count);
        Applied?.Invoke(catalog.DeviceId, stored);
        return stored;
    }

    /// <summary>
    /// A Catalog NOTIFY's changes (GB/T 28181-2016 §9.11.2, A.2.5): ADD and UPDATE (and an item without Event) are
    /// stored as a catalog item is; ON brings a channel online; OFF, VLOST (video lost) and DEFECT (fault) take it
    /// offline; DEL takes it offline with status DEL (its camera, footage and settings stay for an admin to delete).
    /// Status changes apply only to channels this parent owns; an unknown Event is counted (<c>catalog-unknown-event</c>).
    /// </summary>
    public void ApplyChanges(string parentId, long sn, IReadOnlyList<CatalogItem> items)
    {
        var stores = items.Where(i => i.Event is null or "ADD" or "UPDATE").ToList();
        if (stores.Count > 0)
        {
            Apply(new Catalog(parentId, sn, stores));
        }

        foreach (var item in items.Where(i => i.Event is not (null or "ADD" or "UPDATE")))
        {
            if (item.Event is not ("ON" or "OFF" or "VLOST" or "DEFECT" or "DEL"))
            {
                metrics.Refused("catalog-unknown-event");
                continue;
            }

            var existing = devices.Get(item.DeviceId)?.Device;
            if (existing is null || existing.Attributes.GetValueOrDefault(ParentAttribute) != parentId)
            {
                metrics.Refused(existing is null ? "catalog-unknown-channel" : "catalog-channel-owned-elsewhere");
                continue;
            }

            var status = item.Event == "ON" ? "ON" : item.Event == "DEL" ? "DEL" : "OFF";
            var attributes = new Dictionary<string, string>(existing.Attributes) { ["gb28181.status"] = status };
            if (devices.Upsert(existing with { Attributes = attributes }, null) is { } error)
            {
                metrics.Refused("catalog-store-failed");
                logger.LogWarning("GB/T 28181 channel {Channel} status not stored: {Error}", item.DeviceId, error);
                continue;
            }

            SetPresence(item.DeviceId, item.Event == "ON", "catalog event " + item.Event);
        }
    }

    /// <summary>A parent went offline (or unregistered): its channels go with it.</summary>
    public void ParentOffline(string parentId, string cause)
    {
        foreach (var device in devices.All)
        {
            if (device.Device.Attributes.GetValueOrDefault(ParentAttribute) == parentId)
            {
                SetPresence(device.Id, online: false, cause);
            }
        }
    }

    private void SetPresence(string id, bool online, string cause)
    {
        if (online)
        {
            presence.OnConnected(id);
        }
        else
        {
            presence.OnDisconnected(id, cause);
        }
    }

    private static void Put(Dictionary<string, string> attributes, string key, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes[key] = Printable(value);
        }
    }

    private static string Printable(string text)
    {
        var clean = new string([.. text.Where(c => !char.IsControl(c))]).Trim();
        return clean.Length == 0 ? "GB/T 28181 channel" : clean.Length > 200 ? clean[..200] : clean;
    }
}
