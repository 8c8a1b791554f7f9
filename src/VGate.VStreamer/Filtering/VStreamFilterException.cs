namespace VGate.VStreamer.Filtering;

/// <summary>
/// A VStream filter rule could not be turned into a table plan, or a row could not be evaluated against it.
/// </summary>
/// <remarks>
/// Messages follow Vitess's <c>vstreamer/planbuilder.go</c> wording ("unsupported: …", "column x not found in table t", …)
/// because clients show them to users. These errors are never retriable: the same filter fails the same way again.
/// </remarks>
public sealed class VStreamFilterException : Exception
{
    public VStreamFilterException()
    {
    }

    public VStreamFilterException(string message)
        : base(message)
    {
    }

    public VStreamFilterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    private VStreamFilterException(string message, string? offendingText, Exception? innerException)
        : base(message, innerException)
    {
        OffendingText = offendingText;
    }

    /// <summary>The part of the filter (or rule) that was rejected, as rendered in the message; null when not applicable.</summary>
    public string? OffendingText { get; }

    internal static VStreamFilterException Create(string message, string? offendingText = null, Exception? innerException = null) =>
        new(message, offendingText, innerException);

    /// <summary>"unsupported: {text}".</summary>
    internal static VStreamFilterException Unsupported(string text) => new($"unsupported: {text}", text, null);

    /// <summary>"unsupported constraint: {text}".</summary>
    internal static VStreamFilterException UnsupportedConstraint(string text) => new($"unsupported constraint: {text}", text, null);

    /// <summary>"unsupported function: {text}".</summary>
    internal static VStreamFilterException UnsupportedFunction(string text) => new($"unsupported function: {text}", text, null);

    /// <summary>"unexpected: {text}".</summary>
    internal static VStreamFilterException Unexpected(string text) => new($"unexpected: {text}", text, null);

    /// <summary>"unsupported qualifier for column: {text}".</summary>
    internal static VStreamFilterException UnsupportedQualifier(string text) => new($"unsupported qualifier for column: {text}", text, null);

    /// <summary>"column {column} not found in table {table}".</summary>
    internal static VStreamFilterException ColumnNotFound(string renderedColumn, string table) =>
        new($"column {renderedColumn} not found in table {table}", renderedColumn, null);
}
