using System.Diagnostics;

namespace VGate.Testing;

/// <summary>
/// Decides what happens to a test that runs <c>examples/python/vstream.py</c> (Debian's python3-grpcio), as
/// <see cref="GoRequirement"/> does for Go: under <c>CI=true</c> never skipped (a missing package fails the test);
/// otherwise skipped with a reason when no <c>python3</c> can import <c>grpc</c> and <c>google.protobuf</c> or
/// <c>protoc</c> is missing; skipped too when server tests are.
/// </summary>
public static class PythonRequirement
{
    /// <summary>The Debian packages the Python client needs (python3-grpcio brings python3-protobuf).</summary>
    public const string Packages = "python3-grpcio protobuf-compiler";

    private static readonly Lazy<string?> LazyInterpreter = new(FindInterpreter);

    /// <summary>
    /// The first of <c>/usr/bin/python3</c> (Debian's, where apt installs grpcio) and <c>python3</c> on PATH that imports
    /// <c>grpc</c> and <c>google.protobuf</c>, or <see langword="null"/>. A python3 earlier on PATH (pyenv, a venv) may lack them.
    /// </summary>
    public static string? Interpreter => LazyInterpreter.Value;

    /// <summary>The skip reason shown by the test runner, or <see langword="null"/> when the Python tests run.</summary>
    public static string? SkipReason
    {
        get
        {
            if (ServerRequirement.SkipReason is { } server)
                return server;
            if (ServerRequirement.IsCi)
                return null;
            var missing = Interpreter is null ? "a python3 that imports grpc and google.protobuf"
                : GoRequirement.FindOnPath("protoc") is null ? "protoc"
                : null;
            return missing is null
                ? null
                : $"{missing} not found: the Python client cannot run here. Run ./scripts/test.sh, which installs {Packages} with apt (with CI=true this test fails instead of being skipped).";
        }
    }

    private static string? FindInterpreter()
    {
        foreach (var candidate in new[] { "/usr/bin/python3", GoRequirement.FindOnPath("python3") })
        {
            if (candidate is null || !File.Exists(candidate))
                continue;
            try
            {
                using var process = Process.Start(new ProcessStartInfo(candidate, ["-c", "import grpc, google.protobuf"])
                {
                    UseShellExecute = false,
                    RedirectStandardOutput = true,
                    RedirectStandardError = true,
                });
                if (process is null)
                    continue;
                process.StandardOutput.ReadToEnd();
                process.StandardError.ReadToEnd();
                process.WaitForExit();
                if (process.ExitCode == 0)
                    return candidate;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not executable: try the next one.
            }
        }
        return null;
    }
}
