using VGate.MySql.Binlog.Events;
using VGate.MySql.Binlog.RowImages;

namespace VGate.VStreamer.Streaming;

/// <summary>Decides whether one row image passes a table's filter.</summary>
internal delegate bool RowImagePredicate(TableMapEvent table, RowImage image);

/// <summary>Computes the keyspace id of one row image (for a <c>keyspace_id()</c> column).</summary>
internal delegate byte[] RowImageKeyspaceId(TableMapEvent table, RowImage image);

/// <summary>
/// What the streamer does with one table: which columns go out (in output order; empty = all) and which row images
/// pass. Built from the filter rules for the table's current definition.
/// </summary>
/// <param name="Columns">
/// The output columns in order: table column indexes, or <see cref="OutputColumns.KeyspaceId"/> /
/// <see cref="OutputColumns.LiteralOne"/>; empty for every table column.
/// </param>
/// <param name="Predicate">Row filter, or null when every row passes.</param>
/// <param name="IsSharded">
/// True when the predicate involves a vindex (key range): then only the images that pass are sent, so an update that
/// moves a row out of the range arrives as a delete (vstream-spec §2.7). Otherwise both images go out when either passes.
/// </param>
/// <param name="KeyspaceId">Computes a row's keyspace id when <paramref name="Columns"/> has a <c>keyspace_id()</c> column; else null.</param>
internal sealed record StreamTablePlan(int[] Columns, RowImagePredicate? Predicate, bool IsSharded, RowImageKeyspaceId? KeyspaceId = null);
