using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>A column reference, possibly qualified (<c>t.c</c>, <c>db.t.c</c>).</summary>
/// <param name="Qualifier">The qualifier parts (table, or database and table); empty when unqualified.</param>
/// <param name="Name">The column name, unquoted.</param>
internal sealed record SqlColumn(IReadOnlyList<string> Qualifier, string Name) : SqlExpression
{
    public bool IsQualified => Qualifier.Count > 0;

    public override void Render(StringBuilder builder)
    {
        foreach (var part in Qualifier)
        {
            builder.Append(SqlKeywords.RenderIdentifier(part)).Append('.');
        }

        builder.Append(SqlKeywords.RenderIdentifier(Name));
    }
}
