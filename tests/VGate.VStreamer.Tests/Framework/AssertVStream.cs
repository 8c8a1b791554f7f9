namespace VGate.VStreamer.Tests.Framework;

/// <summary>Assertions on <see cref="VStreamException"/>s that show the whole exception when they fail.</summary>
internal static class AssertVStream
{
    /// <summary>
    /// Asserts the Vitess code of <paramref name="error"/>. On a mismatch the failure shows the exception with its
    /// inner exceptions, so an unexpected source failure (e.g. UNAVAILABLE) explains itself in the test output.
    /// </summary>
    public static void Code(Vtrpc.Code expected, VStreamException error)
    {
        if (error.Code != expected)
            Assert.Fail($"Expected a VStreamException with code {expected}, got {error.Code}: {error}");
    }
}
