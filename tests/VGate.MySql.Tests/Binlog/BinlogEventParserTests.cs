using System.Buffers.Binary;
using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog;

public sealed class BinlogEventParserTests
{
    [Fact]
    public void Parse_FlippedByte_ThrowsCrcMismatchNamingTheEvent()
    {
        var parser = TestData.MySql8Parser();
        var xid = TestData.BuildEvent(EventType.Xid, BitConverter.GetBytes(77ul), crc: true, nextPosition: 4321);
        xid[EventHeader.Size + 2] ^= 0x10;

        var ex = Assert.Throws<BinlogFormatException>(() => parser.Parse(xid));
        Assert.Contains("CRC32 mismatch", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Xid", ex.Message, StringComparison.Ordinal);
        Assert.Contains("4321", ex.Message, StringComparison.Ordinal);
        var expected = BinaryPrimitives.ReadUInt32LittleEndian(xid.AsSpan(xid.Length - 4));
        Assert.Contains($"0x{expected:X8}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_FlippedByteInEveryEventOfAFile_AlwaysDetected()
    {
        var file = TestData.Bytes("mysql/mysql-binlog-connector-rust/mysql-bin.000080");
        var offset = 4;
        var events = 0;
        while (offset < file.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset + 9));
            var corrupt = file.AsSpan(offset, length).ToArray();
            corrupt[EventHeader.Size + ((length - EventHeader.Size) / 2)] ^= 0x01;

            // A fresh parser in CRC32 mode, as after this file's FORMAT_DESCRIPTION.
            var parser = new BinlogEventParser(ChecksumAlgorithm.Crc32);
            Assert.Throws<BinlogFormatException>(() => parser.Parse(corrupt));
            offset += length;
            events++;
        }

        Assert.Equal(37, events);
    }

    public static TheoryData<int> XidPrefixLengths()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < EventHeader.Size + 8 + 4; i++)
            data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(XidPrefixLengths))]
    public void Parse_TruncatedXid_ThrowsFormatException(int length)
    {
        var parser = TestData.MySql8Parser();
        var xid = TestData.BuildEvent(EventType.Xid, BitConverter.GetBytes(77ul), crc: true)[..length];
        if (length >= 13)
            BinaryPrimitives.WriteUInt32LittleEndian(xid.AsSpan(9), (uint)length);
        Assert.Throws<BinlogFormatException>(() => parser.Parse(xid));
    }

    [Theory]
    [InlineData("mariadb/mariadb-10.11-rows.000001")]
    [InlineData("mariadb/mariadb-10.11-compressed.000002")]
    [InlineData("mysql/rust_mysql_common/json.binlog.000001")]
    [InlineData("mysql/rust_mysql_common/vector.binlog")]
    public void Parse_EveryTruncationOfEveryEventOfAFile_ThrowsFormatExceptionOnly(string file)
    {
        // Each event is cut at every length, with the declared length patched to the cut. A CRC32 parser must reject
        // every cut; a parser without checksums exercises the body parsers' own bounds checks (and row walking, since
        // it has seen the file's earlier TABLE_MAPs). Either way only BinlogFormatException may escape: never
        // IndexOutOfRange/ArgumentOutOfRange, never a hang.
        var bytes = TestData.Bytes(file);
        var withCrc = new BinlogEventParser();
        var noChecksum = new BinlogEventParser(ChecksumAlgorithm.None);
        var offset = 4;
        var rejectedByCrc = 0;
        while (offset < bytes.Length)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(offset + 9));
            var whole = bytes.AsSpan(offset, length).ToArray();
            var type = (EventType)whole[4];
            var stripped = whole[..^4];
            BinaryPrimitives.WriteUInt32LittleEndian(stripped.AsSpan(9), (uint)stripped.Length);
            for (var cut = 0; cut < length - 1; cut++)
            {
                var truncated = whole[..cut];
                if (cut >= 13)
                    BinaryPrimitives.WriteUInt32LittleEndian(truncated.AsSpan(9), (uint)cut);
                if (type != EventType.FormatDescription || withCrc.FormatDescription is not null)
                {
                    Assert.Throws<BinlogFormatException>(() => withCrc.Parse(truncated));
                    rejectedByCrc++;
                }

                if (type != EventType.FormatDescription && cut < stripped.Length)
                {
                    var body = stripped[..cut];
                    if (cut >= 13)
                        BinaryPrimitives.WriteUInt32LittleEndian(body.AsSpan(9), (uint)cut);
                    try
                    {
                        if (noChecksum.Parse(body) is RowsEvent rows)
                            rows.CountRows();
                    }
                    catch (BinlogFormatException)
                    {
                    }
                }
            }

            withCrc.Parse(whole);
            if (type != EventType.FormatDescription)
                noChecksum.Parse(stripped);
            offset += length;
        }

        Assert.True(rejectedByCrc > 1000);
    }

    [Fact]
    public void Parse_LengthFieldDisagreesWithBytes_Throws()
    {
        var parser = TestData.MySql8Parser();
        var xid = TestData.BuildEvent(EventType.Xid, BitConverter.GetBytes(1ul), crc: true);
        BinaryPrimitives.WriteUInt32LittleEndian(xid.AsSpan(9), 0xFFFF_FFF0);
        var ex = Assert.Throws<BinlogFormatException>(() => parser.Parse(xid));
        Assert.Contains("declares", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(28)]
    [InlineData(37)]
    [InlineData(99)]
    [InlineData(200)]
    public void Parse_UnknownOrUninterestingType_ReturnsUnknownEventWithBody(byte type)
    {
        var parser = TestData.MySql8Parser();
        var ev = parser.Parse(TestData.BuildEvent((EventType)type, [1, 2, 3], crc: true, flags: UnknownEvent.IgnorableFlag));

        var unknown = Assert.IsType<UnknownEvent>(ev);
        Assert.Equal([1, 2, 3], unknown.Body.ToArray());
        Assert.True(unknown.IsIgnorable);
    }

    [Fact]
    public void Parse_ChecksumToldUpFront_AppliesBeforeTheFormatDescription()
    {
        // A replication client that set @master_binlog_checksum='CRC32' gets a checksummed fake ROTATE first.
        var parser = new BinlogEventParser(ChecksumAlgorithm.Crc32);
        var rotateBody = new byte[8 + 16];
        BinaryPrimitives.WriteUInt64LittleEndian(rotateBody, 4);
        "mysql-bin.000001"u8.CopyTo(rotateBody.AsSpan(8));

        var rotate = Assert.IsType<RotateEvent>(parser.Parse(TestData.BuildEvent(EventType.Rotate, rotateBody, crc: true, timestamp: 0)));
        Assert.Equal("mysql-bin.000001", rotate.NextFileName);
        Assert.True(rotate.Header.IsArtificial);

        // Then the FORMAT_DESCRIPTION's own algorithm byte decides.
        parser.Parse(TestData.FormatDescription("8.0.40", ChecksumAlgorithm.None));
        Assert.Equal(ChecksumAlgorithm.None, parser.Checksum);
        Assert.IsType<XidEvent>(parser.Parse(TestData.BuildEvent(EventType.Xid, BitConverter.GetBytes(5ul), crc: false)));
    }

    [Fact]
    public void Parse_WithoutChecksumWhenCrcExpected_DetectsTheMissingCrc()
    {
        var parser = TestData.MySql8Parser();
        Assert.Throws<BinlogFormatException>(() => parser.Parse(TestData.BuildEvent(EventType.Xid, BitConverter.GetBytes(5ul), crc: false)));
    }

    [Fact]
    public void Parse_EventLargerThanLimit_Throws()
    {
        var parser = new BinlogEventParser(ChecksumAlgorithm.Crc32, maxEventSize: 64);
        var ex = Assert.Throws<BinlogFormatException>(() => parser.Parse(TestData.BuildEvent(EventType.Query, new byte[100], crc: true)));
        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_GtidFamily_DispatchesToTheGtidParsers()
    {
        var seen = new List<BinlogEvent>();
        var parser = TestData.ForEachEvent("mysql/rust_mysql_common/binlog_transaction_with_GTID_TAG.000001", ev =>
        {
            if (ev.Type is EventType.PreviousGtids or EventType.GtidTagged)
                seen.Add(ev);
        });

        Assert.Equal("9.6.0", parser.FormatDescription!.ServerVersion);
        var previous = Assert.IsType<PreviousGtidsEvent>(seen[0]);
        Assert.Equal("55778904-0299-11f1-b1b8-4ef0c4956feb:1-13:mytag:1-2", previous.GtidSet.ToString());
        var gtid = Assert.IsType<GtidEvent>(seen[1]);
        Assert.Equal("55778904-0299-11f1-b1b8-4ef0c4956feb:mytag:3", gtid.Gtid.ToString());
    }
}
