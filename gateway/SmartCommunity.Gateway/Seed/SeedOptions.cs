namespace SmartCommunity.Gateway.Seed;

public enum SeedMode
{
    /// <summary>Load the seed only into an empty registry (the first run). The default.</summary>
    IfEmpty,

    /// <summary>Add or update everything in the seed on every start (the seed file is the source of truth).</summary>
    Upsert,
}

/// <summary>A JSON file that fills the registry (the demo community under <c>deploy/</c>). Section <c>Seed</c>.</summary>
public sealed class SeedOptions
{
    public const string Section = "Seed";

    /// <summary>Path of the seed file, or of a folder whose <c>*.json</c> files are read in name order; empty (default) loads nothing.</summary>
    public string? File { get; set; }

    /// <summary><c>IfEmpty</c> (default) or <c>Upsert</c>.</summary>
    public SeedMode Mode { get; set; } = SeedMode.IfEmpty;
}
