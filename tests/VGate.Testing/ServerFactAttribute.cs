namespace VGate.Testing;

/// <summary>
/// A <see cref="FactAttribute"/> for tests that need a real MariaDB server: skipped with a reason when
/// <see cref="ServerRequirement.SkipRequested"/>, otherwise a normal fact that fails if the server cannot start.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class ServerFactAttribute : FactAttribute
{
    /// <summary>Applies <see cref="ServerRequirement.SkipReason"/>.</summary>
    public ServerFactAttribute()
    {
        if (ServerRequirement.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
