using System.Text.Json;

namespace SmartCommunity.Gateway.Tests.Support;

/// <summary>A small seeded community every functional test starts from.</summary>
public static class TestCommunity
{
    public const string Password = "test-password-1";
    public const string AdminPassword = "admin-password-1";

    public const string Community = "c1";
    public const string Compound = "p1";
    public const string BuildingA = "b-a";
    public const string BuildingB = "b-b";

    public const string LevelStation = "level-1";
    public const string DoorUnit = "door-1";
    public const string Camera = "43010200011320000001";
    public const string Speaker = "spk-1";

    public static string SecretOf(string deviceId) => "secret-of-device-" + deviceId;

    public static string Json() => JsonSerializer.Serialize(new
    {
        cells = new object[]
        {
            new { id = Community, level = "Community", name = "社区 C1", lat = 28.19, lon = 112.97 },
            new { id = Compound, parentId = Community, level = "Compound", name = "小区 P1" },
            new { id = BuildingA, parentId = Compound, level = "Building", name = "楼 A" },
            new { id = BuildingB, parentId = Compound, level = "Building", name = "楼 B" },
        },
        people = new object[]
        {
            new { id = "ps", name = "Officer", role = "public-security", duty = "Staff", cells = new[] { Community }, password = Password },
            new { id = "em", name = "Emergency", role = "emergency", duty = "Staff", cells = new[] { Community }, password = Password },
            new { id = "wa", name = "Water", role = "water-authority", duty = "Staff", cells = new[] { Community }, password = Password },
            new { id = "guard-a", name = "Guard A", role = "guard", duty = "Guard", cells = new[] { BuildingA }, password = Password },
            new { id = "guard-b", name = "Guard B", role = "guard", duty = "Guard", cells = new[] { BuildingB }, password = Password },
        },
        devices = new object[]
        {
            new { id = LevelStation, kind = "water-level", name = "Level", cellId = BuildingA, secret = SecretOf(LevelStation) },
            new { id = DoorUnit, kind = "door-access", name = "Door", cellId = BuildingB, secret = SecretOf(DoorUnit) },
            new { id = Camera, kind = "camera", name = "Camera", cellId = BuildingA, secret = SecretOf(Camera) },
            new { id = Speaker, kind = "warning-device", name = "Speaker", cellId = BuildingA, secret = SecretOf(Speaker) },
        },
    });
}
