using VGate.MySql.Binlog;
using VGate.MySql.Binlog.Events;

namespace VGate.MySql.Tests.Binlog.Events;

public sealed class FormatDescriptionEventTests
{
    [Theory]
    [InlineData("mysql/mysql-binlog-connector-java/mysql-bin.checksum-crc32", "5.7.21-log", false)]
    [InlineData("mysql/mysql-binlog-connector-rust/mysql-bin.000057", "8.0.31", false)]
    [InlineData("mysql/rust_mysql_common/vector.binlog", "9.0.1", false)]
    [InlineData("mysql/rust_mysql_common/mariadb-bin.000001", "10.5.15-MariaDB-1:10.5.15+maria~focal-log", true)]
    [InlineData("mariadb/mariadb-10.11-rows.000001", "10.11.19-MariaDB-0+deb12u1-log", true)]
    public void Parse_Files_VersionChecksumAndPostHeaderLengths(string file, string version, bool isMariaDb)
    {
        var fde = EventsIn.File<FormatDescriptionEvent>(file)[0];

        Assert.Equal(4, fde.BinlogVersion);
        Assert.Equal(version, fde.ServerVersion);
        Assert.Equal(19, fde.HeaderLength);
        Assert.Equal(isMariaDb, fde.IsMariaDb);
        Assert.True(fde.HasChecksumAlgorithm);
        Assert.Equal(ChecksumAlgorithm.Crc32, fde.ChecksumAlgorithm);
        Assert.Equal(13, fde.GetPostHeaderLength(EventType.Query));
        Assert.Equal(8, fde.GetPostHeaderLength(EventType.Rotate));
        Assert.Equal(8, fde.GetPostHeaderLength(EventType.TableMap));
        Assert.Equal(10, fde.GetPostHeaderLength(EventType.WriteRowsV2));
        Assert.Equal(isMariaDb ? 8 : null, fde.GetPostHeaderLength(EventType.MariaDbWriteRowsCompressedV1));
    }

    [Fact]
    public void Parse_MariaDb1011_CoversMariaDbTypesAndCreateTimestamp()
    {
        var fde = EventsIn.File<FormatDescriptionEvent>("mariadb/mariadb-10.11-stop.000003")[0];

        Assert.True(fde.PostHeaderLengths.Length >= 171);
        Assert.Equal(10, fde.GetPostHeaderLength(EventType.MariaDbWriteRowsCompressed));
        Assert.True(fde.CreateTimestamp == 0 || fde.CreateTimestamp == fde.Header.Timestamp);
    }

    [Fact]
    public void Parse_ChecksumOff_SwitchesTheParserToNoChecksum()
    {
        var parser = new BinlogEventParser(ChecksumAlgorithm.Crc32);
        var fde = Assert.IsType<FormatDescriptionEvent>(parser.Parse(TestData.FormatDescription("8.0.40", ChecksumAlgorithm.None)));

        Assert.Equal(ChecksumAlgorithm.None, fde.ChecksumAlgorithm);
        Assert.Equal(ChecksumAlgorithm.None, parser.Checksum);
        Assert.Same(fde, parser.FormatDescription);
        Assert.False(parser.IsMariaDb);
    }

    [Fact]
    public void Parse_PreChecksumServer_HasNoAlgorithmByte()
    {
        // A MySQL 5.5 FORMAT_DESCRIPTION: no checksum-algorithm byte and no checksum.
        var body = new List<byte> { 4, 0 };
        var version = new byte[50];
        "5.5.62-log"u8.CopyTo(version);
        body.AddRange(version);
        body.AddRange(new byte[] { 0, 0, 0, 0, 19, 56, 13, 0, 8, 0, 18, 0, 4, 4, 4, 4, 18, 0, 0, 84, 0, 4, 26, 8, 0, 0, 0, 8, 8, 8, 2 });
        var parser = new BinlogEventParser();
        var fde = Assert.IsType<FormatDescriptionEvent>(parser.Parse(TestData.BuildEvent(EventType.FormatDescription, body.ToArray(), crc: false)));

        Assert.False(fde.HasChecksumAlgorithm);
        Assert.Equal(ChecksumAlgorithm.None, fde.ChecksumAlgorithm);
        Assert.Equal(26, fde.PostHeaderLengths.Length);
    }

    [Fact]
    public void Parse_InUseFlagSetAfterChecksumming_StillVerifies()
    {
        // rust_mysql_common copied these files while the server had them open: LOG_EVENT_BINLOG_IN_USE_F is set in the
        // FORMAT_DESCRIPTION header but was not part of the checksummed bytes.
        var fde = EventsIn.File<FormatDescriptionEvent>("mysql/rust_mysql_common/json.binlog.000001")[0];
        Assert.Equal(1, fde.Header.Flags & 1);
        Assert.Equal("8.0.22", fde.ServerVersion);
    }
}
