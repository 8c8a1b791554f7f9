namespace VGate.Testing;

/// <summary>
/// A <see cref="TheoryAttribute"/> for tests that need a real MariaDB server: skipped with a reason when
/// <see cref="ServerRequirement.SkipRequested"/>, otherwise a normal theory that fails if the server cannot start.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ServerTheoryAttribute : TheoryAttribute
{
    /// <summary>Applies <see cref="ServerRequirement.SkipReason"/>.</summary>
    public ServerTheoryAttribute()
    {
        if (ServerRequirement.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
