using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.Infrastructure.Storage;

/// <summary>Where the gateway keeps its embedded database and files. Section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>Folder for the database, spools and footage. Default <c>data</c> (relative to the working directory).</summary>
    [Required]
    public string DataDirectory { get; set; } = "data";

    /// <summary>SQLite file name inside <see cref="DataDirectory"/>. Default <c>smartcommunity.db</c>.</summary>
    [Required]
    [RegularExpression(@"^[A-Za-z0-9._-]+$", ErrorMessage = "DatabaseFile must be a plain file name.")]
    public string DatabaseFile { get; set; } = "smartcommunity.db";

    public string DatabasePath => Path.GetFullPath(Path.Combine(DataDirectory, DatabaseFile));
}
