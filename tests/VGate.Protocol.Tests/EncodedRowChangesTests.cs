using Binlogdata;
using Google.Protobuf;
using Query;

namespace VGate.Protocol.Tests;

/// <summary>
/// A ROW event whose row changes are given already encoded (as the streamer writes them) must encode byte for byte as the
/// same event built from objects, with and without the keyspace prefix, because clients built from Vitess's protos parse it.
/// </summary>
public class EncodedRowChangesTests
{
    /// <summary>
    /// An event born encoded equals its object form: the same bytes, unprefixed and with the table name prefixed by
    /// <c>ks.</c>, the same size, and the same event when materialized.
    /// </summary>
    private static void AssertEncodesLike(VEvent objects, VEvent encoded)
    {
        Assert.Equal(objects.ToByteArray(), encoded.GetEncoded());
        Assert.Equal(objects.CalculateSize(), encoded.GetEncodedSize());
        Assert.Equal(objects, encoded.Materialize());
        Assert.Equal(PrefixedWithKs(objects).ToByteArray(), encoded.GetEncoded("ks"));
    }

    private static VEvent PrefixedWithKs(VEvent objects)
    {
        var prefixed = objects.Clone();
        prefixed.RowEvent.TableName = "ks." + prefixed.RowEvent.TableName;
        return prefixed;
    }

    [Theory]
    [InlineData(false, null)]
    [InlineData(true, null)]
    [InlineData(false, "ks")]
    [InlineData(true, "ks")]
    [InlineData(false, "other")]
    public void EncodedRowEvent_EqualsGeneratedSerialization(bool everyField, string? bornPrefix)
    {
        var random = new Random(11);
        for (var i = 0; i < 200; i++)
        {
            var objects = SampleRowEvent(random, everyField);
            var encoded = WithEncodedChanges(objects, bornPrefix);

            Assert.True(encoded.HasEncodedRowChanges);
            Assert.Empty(encoded.RowEvent.RowChanges);
            Assert.Equal(objects.RowEvent.RowChanges.Count, encoded.RowChangeCount);
            AssertEncodesLike(objects, encoded);
            Assert.Equal(PrefixedWithKs(objects).ToByteArray(), encoded.GetEncoded("ks")); // cached
            Assert.Same(encoded.GetEncoded(), encoded.GetEncoded());
        }
    }

    [Theory]
    [InlineData("ks", "commerce", "-80", "customer")]
    [InlineData(null, "commerce", "-80", "customer")]
    [InlineData("ks", "commerce", "", "customer")] // empty shard: its fields are left out
    [InlineData("ks", "", "", "")]
    [InlineData(null, "", "", "")] // empty unprefixed table name: left out too
    [InlineData("kéyspace", "kéyspace", "80-", "tâble_ü")] // not ASCII
    public void FramedRowEvent_EqualsGeneratedSerialization(string? prefix, string keyspace, string shard, string table)
    {
        var random = new Random(5);
        for (var i = 0; i < 100; i++)
        {
            var objects = SampleRowEvent(random, everyField: i % 2 == 1);
            // Table names of 0–299 bytes: a one- and a two-byte length prefix.
            var tableName = table.Length == 0 ? "" : table + new string('x', random.Next(0, 300));
            objects.Keyspace = objects.RowEvent.Keyspace = keyspace;
            objects.Shard = objects.RowEvent.Shard = shard;
            objects.RowEvent.TableName = tableName;
            var frame = new VGate.Protocol.Encoding.RowEventFrame(prefix, tableName, keyspace, shard);
            Assert.True(frame.Fits(objects));

            var encoded = WithEncodedChanges(objects, frame);

            AssertEncodesLike(objects, encoded);
            if (prefix is not null)
                Assert.Same(encoded.GetEncoded(prefix), encoded.GetEncoded(prefix)); // the born form, as written
        }
    }

    [Fact]
    public void FrameOfOtherNames_IsNotUsed_AndTheBytesAreStillRight()
    {
        var random = new Random(6);
        var frames = new[]
        {
            new VGate.Protocol.Encoding.RowEventFrame("ks", "other_table", "commerce", "-80"),
            new VGate.Protocol.Encoding.RowEventFrame("ks", "customer", "other", "-80"),
            new VGate.Protocol.Encoding.RowEventFrame("ks", "customer", "commerce", "80-"),
        };
        foreach (var frame in frames)
        {
            var objects = SampleRowEvent(random, everyField: false);
            objects.RowEvent.TableName = "customer";
            objects.Shard = "-80";

            Assert.False(frame.Fits(objects));
            var encoded = WithEncodedChanges(objects, frame);
            var prefixed = objects.Clone();
            prefixed.RowEvent.TableName = "ks.customer";
            Assert.Equal(prefixed.ToByteArray(), encoded.GetEncoded("ks"));
            Assert.Equal(objects.ToByteArray(), encoded.GetEncoded());
        }
    }

    [Fact]
    public void LargeRowEvent_WithMultiByteLengths_EqualsGeneratedSerialization()
    {
        var objects = new VEvent { Type = VEventType.Row, Timestamp = 1, RowEvent = new RowEvent { TableName = "big" } };
        objects.RowEvent.RowChanges.Add(new RowChange { After = new Row { Lengths = { 300_000 }, Values = ByteString.CopyFrom(new byte[300_000]) } });
        var encoded = WithEncodedChanges(objects, "ks");

        Assert.Equal(objects.ToByteArray(), encoded.GetEncoded());
        Assert.Equal(objects.CalculateSize(), encoded.GetEncodedSize());
    }

    [Fact]
    public void BornForm_IsReturnedAsWritten()
    {
        var encoded = WithEncodedChanges(SampleRowEvent(new Random(1), everyField: false), "ks");

        Assert.Same(encoded.GetEncoded("ks"), encoded.GetEncoded("ks"));
        Assert.StartsWith("ks.", VEvent.Parser.ParseFrom(encoded.GetEncoded("ks")).RowEvent.TableName, StringComparison.Ordinal);
    }

    [Fact]
    public void OrdinaryEvent_IsItsOwnMaterializedForm()
    {
        var vevent = new VEvent { Type = VEventType.Begin };

        Assert.False(vevent.HasEncodedRowChanges);
        Assert.Same(vevent, vevent.Materialize());
        Assert.Equal(vevent.CalculateSize(), vevent.GetEncodedSize());
        Assert.Equal(0, vevent.RowChangeCount);
    }

    [Fact]
    public void EncodedChanges_AreRefused_WhereTheEncodingCouldNotCarryThem()
    {
        var withRows = new VEvent { Type = VEventType.Row, RowEvent = new RowEvent { RowChanges = { new RowChange() } } };
        var withoutRowEvent = new VEvent { Type = VEventType.Row };
        var withField = new VEvent { Type = VEventType.Row, RowEvent = new RowEvent(), FieldEvent = new FieldEvent() };
        var encodedAlready = new VEvent { Type = VEventType.Row, RowEvent = new RowEvent() };
        encodedAlready.GetEncoded();

        var twice = WithEncodedChanges(SampleRowEvent(new Random(2), everyField: false), "ks");

        Assert.Throws<InvalidOperationException>(() => Encode(withRows, [], 0));
        Assert.Throws<InvalidOperationException>(() => Encode(withoutRowEvent, [], 0));
        Assert.Throws<InvalidOperationException>(() => Encode(withField, [], 0));
        Assert.Throws<InvalidOperationException>(() => Encode(encodedAlready, [], 0));
        Assert.Throws<InvalidOperationException>(() => Encode(twice, [], 0));
    }

    [Fact]
    public void PayloadAddedAfterwards_IsAnError_NotSilentlyDropped()
    {
        var vevent = WithEncodedChanges(SampleRowEvent(new Random(3), everyField: false), "ks");
        vevent.FieldEvent = new FieldEvent { TableName = "t" };

        // The born (prefixed) form was written before; any other form must be framed now, and is refused.
        Assert.Throws<InvalidOperationException>(() => vevent.GetEncoded());
    }

    /// <summary>The same event with its row changes moved into their encoded form, born with <paramref name="prefix"/>.</summary>
    private static VEvent WithEncodedChanges(VEvent objects, string? prefix)
    {
        // The row_changes fields alone are what a RowEvent with nothing else set serializes to.
        var changes = new RowEvent { RowChanges = { objects.RowEvent.RowChanges } }.ToByteArray();
        var shell = objects.Clone();
        shell.RowEvent.RowChanges.Clear();
        Encode(shell, changes, objects.RowEvent.RowChanges.Count, prefix);
        return shell;
    }

    /// <summary>As <see cref="WithEncodedChanges(VEvent, string?)"/>, with the names from <paramref name="frame"/>.</summary>
    private static VEvent WithEncodedChanges(VEvent objects, VGate.Protocol.Encoding.RowEventFrame frame)
    {
        var changes = new RowEvent { RowChanges = { objects.RowEvent.RowChanges } }.ToByteArray();
        var shell = objects.Clone();
        shell.RowEvent.RowChanges.Clear();
        shell.EncodeRowChanges(frame, changes.Length, objects.RowEvent.RowChanges.Count, changes, static (span, bytes) => bytes.CopyTo(span));
        return shell;
    }

    private static void Encode(VEvent vevent, byte[] changes, int count, string? prefix = "ks") =>
        vevent.EncodeRowChanges(prefix, changes.Length, count, changes, static (span, bytes) => bytes.CopyTo(span));

    private static VEvent SampleRowEvent(Random random, bool everyField)
    {
        var vevent = new VEvent
        {
            Type = VEventType.Row,
            Timestamp = random.Next(0, 2) == 0 ? 0 : random.NextInt64(1, long.MaxValue),
            CurrentTime = random.NextInt64(1, long.MaxValue),
            Keyspace = "commerce",
            Shard = random.Next(0, 2) == 0 ? "" : "-80",
            RowEvent = new RowEvent
            {
                TableName = "customer_" + new string('x', random.Next(0, 200)),
                Keyspace = "commerce",
                Shard = "-80",
                Flags = (uint)random.Next(0, 2) * 65_536,
            },
        };
        if (everyField)
        {
            vevent.Gtid = "MariaDB/0-1-7";
            vevent.Statement = "insert into t values (1)";
            vevent.Dml = "insert";
            vevent.Throttled = true;
            vevent.ThrottledReason = "lag — ünïcode";
            vevent.CommitParent = -3;
            vevent.SequenceNumber = 9;
            vevent.EventGtid = "0-1-7";
            vevent.RowEvent.IsInternalTable = true;
            vevent.RowEvent.TableName = "tâble_ü"; // not ASCII: the general UTF-8 path
            vevent.Timestamp = -1;
        }
        else if (random.Next(0, 2) == 0)
        {
            // As the streamer makes them: the transaction's logical clock and GTID on every event (the plain path).
            vevent.CommitParent = random.NextInt64(0, 1000);
            vevent.SequenceNumber = random.NextInt64(1, 1000);
            vevent.EventGtid = "3e11fa47-71ca-11e1-9e33-c80aa9429562:" + random.Next(1, 100_000);
        }
        for (var change = random.Next(1, 5); change > 0; change--)
        {
            var rowChange = new RowChange();
            var kind = random.Next(0, 3);
            if (kind != 0)
                rowChange.Before = SampleRow(random);
            if (kind != 1)
                rowChange.After = SampleRow(random);
            if (random.Next(0, 4) == 0)
                rowChange.DataColumns = new RowChange.Types.Bitmap { Count = random.Next(1, 12), Cols = ByteString.CopyFrom((byte)random.Next(0, 256), (byte)random.Next(0, 16)) };
            if (random.Next(0, 4) == 0)
                rowChange.JsonPartialValues = new RowChange.Types.Bitmap { Count = random.Next(1, 20), Cols = ByteString.CopyFrom((byte)random.Next(0, 256)) };
            vevent.RowEvent.RowChanges.Add(rowChange);
        }
        return vevent;
    }

    private static Row SampleRow(Random random)
    {
        var row = new Row();
        var values = new List<byte>();
        for (var column = random.Next(0, 12); column > 0; column--)
        {
            if (random.Next(0, 5) == 0)
            {
                row.Lengths.Add(-1);
                continue;
            }
            var value = new byte[random.Next(0, random.Next(0, 3) == 0 ? 400 : 20)];
            random.NextBytes(value);
            values.AddRange(value);
            row.Lengths.Add(value.Length);
        }
        row.Values = ByteString.CopyFrom(values.ToArray());
        return row;
    }
}
