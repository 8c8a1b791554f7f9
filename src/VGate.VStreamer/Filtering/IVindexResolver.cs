using System.Diagnostics.CodeAnalysis;

namespace VGate.VStreamer.Filtering;

/// <summary>
/// Looks up vindexes for <c>in_keyrange</c>, <c>keyspace_id()</c> and key-range rule filters.
/// </summary>
/// <remarks>
/// Integrators adapt the keyspace's VSchema and the vindex implementations to this. Name resolution follows
/// Vitess's <c>localVSchema.FindOrCreateVindex</c>: a bare name is a vindex declared in the keyspace VSchema
/// (<c>region_vdx</c>) or, failing that, a vindex <em>type</em> instantiated without parameters (<c>hash</c>,
/// <c>xxhash</c>); <c>ks.name</c> is a vindex declared in keyspace <c>ks</c>. Return false when there is none; the
/// plan builder words the error.
/// </remarks>
public interface IVindexResolver
{
    /// <summary>Finds the vindex called <paramref name="name"/>.</summary>
    bool TryResolve(string name, [NotNullWhen(true)] out IKeyspaceIdFunction? function);
}
