namespace VGate.Testing;

/// <summary>A <see cref="FactAttribute"/> for tests that run the Python client: skipped with <see cref="PythonRequirement.SkipReason"/>.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class PythonFactAttribute : FactAttribute
{
    /// <summary>Applies <see cref="PythonRequirement.SkipReason"/>.</summary>
    public PythonFactAttribute()
    {
        if (PythonRequirement.SkipReason is { } reason)
        {
            Skip = reason;
        }
    }
}
