using Microsoft.Extensions.Options;
using SmartCommunity.Gateway.Grid;
using SmartCommunity.Gateway.Infrastructure.Security;
using SmartCommunity.Gateway.Infrastructure.Storage;

namespace SmartCommunity.Gateway.Auth;

/// <summary>
/// Makes sure someone can sign in on a fresh install: when no enabled admin exists, creates <c>admin</c> with
/// <see cref="AuthOptions.InitialAdminPassword"/> or a generated password written to a file only root can read.
/// </summary>
public sealed class FirstRunAdmin(GridRegistry grid, IOptions<AuthOptions> auth, IOptions<StorageOptions> storage, ILogger<FirstRunAdmin> logger)
{
    public const string AdminId = "admin";

    public void Ensure()
    {
        if (grid.Snapshot.People.Any(p => p.Role == Roles.Admin && p.Enabled))
        {
            return;
        }

        var password = auth.Value.InitialAdminPassword;
        string? file = null;
        if (string.IsNullOrEmpty(password))
        {
            password = SecretHasher.NewSecret();
            file = Path.GetFullPath(Path.Combine(storage.Value.DataDirectory, "initial-admin-password.txt"));
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllText(file, password + "\n");
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }

        // Registry names are "中文 English": each view shows its language's part.
        var error = grid.UpsertPerson(new Person(AdminId, "系统管理员 Administrator", Roles.Admin, Duty.Staff, [], null, null, Enabled: true),
            SecretHasher.Hash(password, auth.Value.PasswordIterations));
        if (error is not null)
        {
            throw new InvalidOperationException("Could not create the first admin: " + error);
        }

        logger.LogWarning("Created the first-run account '{Admin}'. Its password is {Where}; change it after signing in.",
            AdminId, file is null ? "the configured Auth:InitialAdminPassword" : "in " + file);
    }
}
