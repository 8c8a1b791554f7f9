namespace VGate.Kafka.Tests.Framework;

/// <summary>A theory that runs the stock <c>kcat</c> tool; skipped with the reason when kcat is not on PATH.</summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KcatTheoryAttribute : TheoryAttribute
{
    public KcatTheoryAttribute()
    {
        if (Kcat.Path is null)
            Skip = "kcat is not installed (Debian package kcat): the check that stock tools can read the topics is skipped.";
    }
}
