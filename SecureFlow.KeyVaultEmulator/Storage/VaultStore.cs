using System.Text.Json;
using Microsoft.Extensions.Options;

namespace SecureFlow.KeyVaultEmulator.Storage;

/// <summary>
/// The vault's contents in memory, persisted after every change to one file in the data directory. The file is
/// replaced atomically (a temporary file, flushed to disk, then renamed over the old one), so a process killed
/// mid-write leaves the previous contents intact; it holds private keys and secret values, so only the user can read it.
/// </summary>
public sealed class VaultStore
{
    public const string FileName = "vault.json";

    private static readonly JsonSerializerOptions SerializerOptions = new() { WriteIndented = false };

    private readonly Lock _lock = new();
    private readonly string _path;
    private VaultContents _contents;

    public VaultStore(IOptions<KeyVaultEmulatorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var directory = options.Value.DataDirectory;
        if (string.IsNullOrWhiteSpace(directory))
        {
            throw new InvalidOperationException("Set KeyVault:DataDirectory to the folder where the vault keeps its contents.");
        }

        CreatePrivateDirectory(directory);
        _path = Path.Combine(directory, FileName);

        // Left by a process killed mid-write: the rename never happened, the previous file is intact.
        foreach (var temporary in Directory.EnumerateFiles(directory, FileName + ".*.tmp"))
        {
            File.Delete(temporary);
        }

        _contents = File.Exists(_path) ? Load(_path) : new VaultContents();
    }

    /// <summary>Runs <paramref name="read"/> on a consistent view of the contents.</summary>
    public T Read<T>(Func<VaultContents, T> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        lock (_lock)
        {
            return read(_contents);
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to a copy of the contents and persists the copy; only then does the copy
    /// become the vault's contents. A change that throws, or a write that fails, leaves the vault as it was.
    /// </summary>
    public T Write<T>(Func<VaultContents, T> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        lock (_lock)
        {
            var copy = Clone(_contents);
            var result = change(copy);
            Persist(copy);
            _contents = copy;
            return result;
        }
    }

    private static VaultContents Clone(VaultContents contents) => new()
    {
        Secrets = new(contents.Secrets.Select(entry => KeyValuePair.Create(entry.Key, entry.Value.ToList())), StringComparer.OrdinalIgnoreCase),
        Certificates = new(contents.Certificates.Select(entry => KeyValuePair.Create(entry.Key, entry.Value with { Versions = [.. entry.Value.Versions] })), StringComparer.OrdinalIgnoreCase),
        Keys = new(contents.Keys.Select(entry => KeyValuePair.Create(entry.Key, entry.Value.ToList())), StringComparer.OrdinalIgnoreCase),
        PendingCertificates = new(contents.PendingCertificates, StringComparer.OrdinalIgnoreCase),
    };

    private static VaultContents Load(string path)
    {
        try
        {
            var loaded = JsonSerializer.Deserialize<VaultContents>(File.ReadAllBytes(path), SerializerOptions)
                ?? throw new JsonException("The file is empty.");
            return new VaultContents
            {
                Secrets = new(loaded.Secrets, StringComparer.OrdinalIgnoreCase),
                Certificates = new(loaded.Certificates, StringComparer.OrdinalIgnoreCase),
                Keys = new(loaded.Keys ?? [], StringComparer.OrdinalIgnoreCase),
                PendingCertificates = new(loaded.PendingCertificates ?? [], StringComparer.OrdinalIgnoreCase),
            };
        }
        catch (JsonException exception)
        {
            // Never start over an unreadable vault: that would silently lose every secret in it.
            throw new InvalidOperationException(
                $"The vault's data file '{path}' could not be read ({exception.Message}). Move it away to start with an empty vault.", exception);
        }
    }

    private void Persist(VaultContents contents)
    {
        var temporary = $"{_path}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var stream = new FileStream(temporary, options))
            {
                JsonSerializer.Serialize(stream, contents, SerializerOptions);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, _path, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static void CreatePrivateDirectory(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }
}
