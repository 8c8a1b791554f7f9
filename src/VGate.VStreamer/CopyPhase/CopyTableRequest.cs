namespace VGate.VStreamer.CopyPhase;

/// <summary>One table to copy and where to resume it.</summary>
/// <param name="Table">Table name.</param>
/// <param name="LastPk">The key of the last row already delivered, or null to copy from the start.</param>
internal sealed record CopyTableRequest(string Table, Query.QueryResult? LastPk);
