using System.Text;

namespace VGate.VStreamer.Filtering.Sql;

/// <summary>A fragment the plan builder never accepts (a cast type, a subquery, …), kept as written for messages.</summary>
internal sealed record SqlRaw(string Text) : SqlExpression
{
    public override void Render(StringBuilder builder) => builder.Append(Text);
}
