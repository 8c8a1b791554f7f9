using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Binlogdata;
using Google.Protobuf;
using Query;

namespace VGate.Cli.Output;

/// <summary>
/// <c>vgate stream --format decoded</c>: the VEvent's proto JSON with each row image (<c>before</c>/<c>after</c>:
/// <c>lengths</c> + base64 <c>values</c>) replaced by an object column → value, typed as <c>vgate binlog</c> prints
/// values (docs/binlog-json.md), using the columns of the last FIELD event of the table on that shard.
/// </summary>
internal sealed class DecodedEventFormatter
{
    private readonly Dictionary<(string Keyspace, string Shard, string Table), IReadOnlyList<Field>> _fields = [];

    public string Format(VEvent vevent)
    {
        var json = JsonFormatter.Default.Format(vevent);
        if (vevent.Type == VEventType.Field && vevent.FieldEvent is { } fieldEvent)
        {
            _fields[(fieldEvent.Keyspace, fieldEvent.Shard, fieldEvent.TableName)] = [.. fieldEvent.Fields];
            return json;
        }
        if (vevent.Type != VEventType.Row || vevent.RowEvent is not { } rowEvent)
            return json;
        if (!_fields.TryGetValue((rowEvent.Keyspace, rowEvent.Shard, rowEvent.TableName), out var fields))
            throw new InvalidDataException($"ROW event for {rowEvent.TableName} (shard {rowEvent.Shard}) before its FIELD event: cannot name the columns.");

        var node = JsonNode.Parse(json)!;
        var changes = node["rowEvent"]?["rowChanges"]?.AsArray();
        for (var i = 0; i < rowEvent.RowChanges.Count; i++)
        {
            var change = rowEvent.RowChanges[i];
            if (change.Before is { } before)
                changes![i]!["before"] = Decode(before, fields, rowEvent.TableName);
            if (change.After is { } after)
                changes![i]!["after"] = Decode(after, fields, rowEvent.TableName);
        }
        return node.ToJsonString();
    }

    /// <summary>One row image: values split by their lengths (-1 is NULL) and typed by their column.</summary>
    internal static JsonObject Decode(Row row, IReadOnlyList<Field> fields, string table)
    {
        if (row.Lengths.Count != fields.Count)
            throw new InvalidDataException($"A row of {table} has {row.Lengths.Count} values but its FIELD event {fields.Count} columns.");
        var result = new JsonObject();
        var values = row.Values.Span;
        var offset = 0;
        for (var i = 0; i < fields.Count; i++)
        {
            var length = row.Lengths[i];
            if (length < 0)
            {
                result[fields[i].Name] = null;
                continue;
            }
            if (offset + length > values.Length)
                throw new InvalidDataException($"A row of {table} is shorter than its lengths say (column {fields[i].Name}).");
            result[fields[i].Name] = Value(fields[i].Type, values.Slice(offset, (int)length));
            offset += (int)length;
        }
        return result;
    }

    // Vitess sends values in their text form (what SELECT prints); only their JSON type changes here.
    private static JsonNode? Value(Query.Type type, ReadOnlySpan<byte> value) => type switch
    {
        Query.Type.Int8 or Query.Type.Int16 or Query.Type.Int24 or Query.Type.Int32 or Query.Type.Int64
            or Query.Type.Uint8 or Query.Type.Uint16 or Query.Type.Uint24 or Query.Type.Uint32 or Query.Type.Uint64
            or Query.Type.Year or Query.Type.Float32 or Query.Type.Float64 => Number(value),
        Query.Type.Bit => JsonValue.Create(BitValue(value)),
        Query.Type.Json => Json(value),
        Query.Type.Binary or Query.Type.Varbinary or Query.Type.Blob or Query.Type.Geometry or Query.Type.Bitnum
            or Query.Type.Hexnum or Query.Type.Hexval => JsonValue.Create(Convert.ToBase64String(value)),
        // DECIMAL (every digit kept), dates and times, text, ENUM, SET.
        _ => JsonValue.Create(Encoding.UTF8.GetString(value)),
    };

    private static JsonValue Number(ReadOnlySpan<byte> value)
    {
        // The text is a JSON number already (digits, sign, '.', 'e'); parsing it keeps every digit of a BIGINT UNSIGNED.
        try
        {
            return JsonNode.Parse(value) is JsonValue number && number.GetValueKind() == JsonValueKind.Number
                ? number
                : JsonValue.Create(Encoding.UTF8.GetString(value));
        }
        catch (JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(value));
        }
    }

    private static ulong BitValue(ReadOnlySpan<byte> value)
    {
        // BIT(n) is sent as its ceil(n/8) bytes, big-endian.
        Span<byte> padded = stackalloc byte[8];
        padded.Clear();
        value[Math.Max(0, value.Length - 8)..].CopyTo(padded[Math.Max(0, 8 - value.Length)..]);
        return BinaryPrimitives.ReadUInt64BigEndian(padded);
    }

    private static JsonNode? Json(ReadOnlySpan<byte> value)
    {
        try
        {
            return JsonNode.Parse(value);
        }
        catch (JsonException)
        {
            return JsonValue.Create(Encoding.UTF8.GetString(value));
        }
    }
}
