namespace VGate.Testing;

/// <summary>A <see cref="FactAttribute"/> for tests that build and run the stock Go client: skipped with <see cref="GoRequirement.SkipReason"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class GoFactAttribute : FactAttribute
{
    /// <summary>Applies <see cref="GoRequirement.SkipReason"/>.</summary>
    public GoFactAttribute()
    {
        if (GoRequirement.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
