namespace VGate.Testing;

/// <summary>A uniquely named directory under the system temp directory, deleted with its contents on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    private TempDirectory(string path) => Path = path;

    /// <summary>The full path of the directory.</summary>
    public string Path { get; }

    /// <summary>Creates <c>$TMPDIR/&lt;prefix&gt;-&lt;guid8&gt;</c>.</summary>
    public static TempDirectory Create(string prefix = "vgate-test")
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}");
        Directory.CreateDirectory(path);
        return new TempDirectory(path);
    }

    /// <summary>The full path of <paramref name="relativePath"/> inside this directory.</summary>
    public string Combine(string relativePath) => System.IO.Path.Combine(Path, relativePath);

    /// <inheritdoc/>
    public void Dispose() => DeleteQuietly(Path);

    /// <summary>Deletes a directory tree, ignoring a directory that is already gone or still busy.</summary>
    internal static void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
