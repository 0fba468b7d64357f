namespace SmartCommunity.Gateway.Shelters.Occupancy;

/// <summary>"Where should people go": the nearest open shelters that still have free places.</summary>
public static class ShelterSuggestions
{
    private const double EarthRadiusKm = 6371.0088; // IUGG mean radius

    /// <param name="people">Places needed at least (1 for "any free place").</param>
    public static IReadOnlyList<ShelterSuggestion> Nearest(IEnumerable<Shelter> shelters, Func<string, ShelterOccupancy?> occupancy, double lat, double lon, string? exclude, int count, long people = 1)
    {
        return shelters
            .Where(s => s.Open && s.Id != exclude)
            .Select(s =>
            {
                var occupants = occupancy(s.Id)?.Occupants ?? 0;
                return new ShelterSuggestion(s.Id, s.Name, s.Lat, s.Lon, Math.Round(DistanceKm(lat, lon, s.Lat, s.Lon), 3), Math.Max(0, s.Capacity - occupants), s.Capacity, occupants);
            })
            .Where(s => s.Free >= Math.Max(1, people))
            .OrderBy(s => s.DistanceKm)
            .ThenByDescending(s => s.Free)
            .ThenBy(s => s.ShelterId, StringComparer.Ordinal)
            .Take(count)
            .ToList();
    }

    /// <summary>Great-circle distance (haversine) between two WGS-84 points, km.</summary>
    public static double DistanceKm(double lat1, double lon1, double lat2, double lon2)
    {
        static double Rad(double degrees) => degrees * Math.PI / 180;
        var dLat = Rad(lat2 - lat1);
        var dLon = Rad(lon2 - lon1);
        var a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(Rad(lat1)) * Math.Cos(Rad(lat2)) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(a)));
    }
}
