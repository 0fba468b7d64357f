using System.ComponentModel.DataAnnotations;

namespace SmartCommunity.Gateway.Infrastructure.Storage;

/// <summary>Which database engine holds the gateway's state. Section <c>Database</c>.</summary>
public sealed class DatabaseOptions : IValidatableObject
{
    public const string Section = "Database";

    /// <summary><c>Sqlite</c> (default) or <c>PostgreSql</c>.</summary>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>
    /// Npgsql connection string for <c>PostgreSql</c> (required there), e.g.
    /// <c>Host=db;Database=smartcommunity;Username=gateway</c>; the password belongs in <c>~/.pgpass</c> or the
    /// environment (<c>Database__ConnectionString</c>), not in a file under version control. Ignored for SQLite,
    /// whose file is <c>Storage:DataDirectory</c>/<c>Storage:DatabaseFile</c>.
    /// </summary>
    public string? ConnectionString { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Provider == DatabaseProvider.PostgreSql && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return new ValidationResult("Database:ConnectionString is required when Database:Provider is PostgreSql.", [nameof(ConnectionString)]);
        }
    }
}
