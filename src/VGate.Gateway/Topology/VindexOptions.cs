namespace VGate.Gateway.Topology;

/// <summary>A table's primary vindex: the function (<c>hash</c>, <c>xxhash</c>, …) and the column(s) it reads.</summary>
public sealed class VindexOptions
{
    /// <summary>Vindex type name, as in a Vitess VSchema.</summary>
    public string Type { get; set; } = "";

    /// <summary>The column(s) the vindex is computed from.</summary>
    public List<string> Columns { get; set; } = [];

    /// <summary>The vindex parameters, as a VSchema's <c>params</c> (e.g. <c>region_bytes</c> for <c>region_experimental</c>).</summary>
    public Dictionary<string, string> Params { get; set; } = [];
}
