using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using VGate.MySql.Binlog.Events;
using VGate.Testing;
using VGate.Testing.Differential;

namespace VGate.IntegrationTests.Replication;

/// <summary>
/// Runs <c>mariadb-binlog --read-from-remote-server --base64-output=DECODE-ROWS -vv --print-table-metadata</c>
/// and parses its pseudo-SQL into <see cref="DecodedRow"/>s, converting each value to the exact value and then to
/// the canonical form of <see cref="ValueNormalizer"/>. The output is read as bytes (one byte per char, Latin-1),
/// because mariadb-binlog prints string data as raw bytes in the column's character set.
/// </summary>
/// <remarks>
/// What mariadb-binlog (MariaDB 10.11) prints, learned by experiment and from <c>log_event_print_value</c>:
/// <list type="bullet">
/// <item>A value line is <c>###   @N=&lt;value&gt; /* TYPE meta=M nullable=0|1 is_null=0|1 */</c>; names, UNSIGNED,
/// lengths, character sets and ENUM/SET members come only from the <c># Columns(…)</c> block that
/// <c>--print-table-metadata</c> prints after each Table_map.</item>
/// <item>Integers print signed; a negative value is followed by its unsigned reading: <c>-1 (255)</c>.</item>
/// <item>FLOAT prints with <c>%-20g</c> (6 significant digits, padded); DOUBLE with <c>%.20g</c>.</item>
/// <item>DECIMAL prints exactly, with the column's scale.</item>
/// <item>BIT prints as <c>b'0101'</c>, the number with exactly n digits; ENUM as the index; SET as <c>b'…'</c> of
/// the stored bitmap bytes in storage (little-endian) order, each byte most significant bit first, so members 0 and 8
/// of a 2-byte SET print as <c>b'0000000100000001'</c>.</item>
/// <item>YEAR prints <c>1900 + stored byte</c>, so the zero year (byte 0) shows as <c>1900</c>, which a YEAR column
/// cannot otherwise hold.</item>
/// <item>DATE prints with colons: <c>'2024:02:29'</c>. TIME and DATETIME print like SELECT.</item>
/// <item>TIMESTAMP prints the seconds since the epoch with the column's fractional digits: <c>951825600.5000</c>.</item>
/// <item>Strings, BLOBs and GEOMETRY print quoted; bytes below 0x20 as <c>\xNN</c> (lowercase hex), every other byte
/// raw, including <c>'</c> and <c>\</c>. That escape is ambiguous for data holding a literal <c>\x</c> followed by
/// two hex digits; the workload never generates one (<see cref="RandomWorkload"/>). Values are not truncated.</item>
/// <item>CHAR and BINARY values are printed as stored: trailing spaces of CHAR and trailing 0x00 of BINARY(n) are
/// stripped by the server; BINARY(n) is padded back to n bytes here, as SELECT (and VGate) return it.</item>
/// </list>
/// </remarks>
public static partial class MariaDbBinlogOutputParser
{
    private static readonly string[] ExecutableNames = ["mariadb-binlog", "mysqlbinlog"];
    private static readonly string[] FallbackDirectories = ["/usr/bin", "/usr/local/bin", "/usr/local/mysql/bin"];

    /// <summary>The mariadb-binlog executable: PATH first, then the usual directories.</summary>
    public static string FindExecutable()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        var directories = path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).Concat(FallbackDirectories);
        foreach (var name in ExecutableNames)
        {
            foreach (var directory in directories)
            {
                var candidate = Path.Combine(directory, name);
                if (File.Exists(candidate))
                    return candidate;
            }
        }

        throw new FileNotFoundException("mariadb-binlog (or mysqlbinlog) was not found on PATH or in /usr/bin; install mariadb-client.");
    }

    /// <summary>Reads <paramref name="files"/> from the server as the replication user and returns the raw output.</summary>
    public static async Task<byte[]> RunAsync(MariaDbServer server, IEnumerable<string> files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        var start = new ProcessStartInfo(FindExecutable())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--no-defaults", "--read-from-remote-server", $"--host={MariaDbServer.Host}",
            string.Create(CultureInfo.InvariantCulture, $"--port={server.Port}"),
            $"--user={server.ReplicationUser}", $"--password={server.ReplicationPassword}",
            "--base64-output=DECODE-ROWS", "--verbose", "--verbose", "--print-table-metadata",
        }.Concat(files))
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("mariadb-binlog did not start.");
        using var output = new MemoryStream();
        var copy = process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await copy.ConfigureAwait(false);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw;
        }

        if (process.ExitCode != 0)
            throw new InvalidOperationException($"mariadb-binlog exited with {process.ExitCode}: {await errors.ConfigureAwait(false)}");
        return output.ToArray();
    }

    /// <summary>Parses the output; keeps the rows of tables in <paramref name="database"/>.</summary>
    public static List<DecodedRow> Parse(byte[] output, string database)
    {
        ArgumentNullException.ThrowIfNull(output);
        // Line by line: the output of a large workload is too big for one string.
        var lines = new OutputLines(output);
        var tables = new Dictionary<(string Database, string Table), List<BinlogColumn>>();
        var rows = new List<DecodedRow>();
        string? gtid = null;
        RowBuilder? row = null;

        void Flush()
        {
            if (row is not null && row.Database == database)
                rows.Add(row.Build(gtid));
            row = null;
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (!line.StartsWith("###", StringComparison.Ordinal))
            {
                Flush();
                if (GtidLine().Match(line) is { Success: true } gtidMatch)
                {
                    gtid = gtidMatch.Groups[1].Value;
                }
                else if (TableMapLine().Match(line) is { Success: true } mapMatch)
                {
                    var columns = new List<BinlogColumn>();
                    while (i + 1 < lines.Length && ColumnLine().Match(lines[i + 1]) is { Success: true } column)
                    {
                        i++;
                        // One column per line, ending with ',' (the last one with the list's ')').
                        columns.Add(BinlogColumn.Parse(column.Groups[2].Value[..^1]));
                    }

                    tables[(Utf8(mapMatch.Groups[1].Value), Utf8(mapMatch.Groups[2].Value))] = columns;
                }

                continue;
            }

            if (RowHeaderLine().Match(line) is { Success: true } header)
            {
                Flush();
                var key = (Utf8(header.Groups[2].Value), Utf8(header.Groups[3].Value));
                var kind = header.Groups[1].Value switch
                {
                    "INSERT INTO" => RowsEventKind.Insert,
                    "UPDATE" => RowsEventKind.Update,
                    _ => RowsEventKind.Delete,
                };
                row = new RowBuilder(key.Item1, key.Item2, kind, tables.GetValueOrDefault(key));
            }
            else if (line == "### WHERE")
            {
                row!.Current = row.Before = [];
            }
            else if (line == "### SET")
            {
                row!.Current = row.After = [];
            }
            else if (line.StartsWith("###   @", StringComparison.Ordinal))
            {
                row!.Add(line);
            }
            else
            {
                throw new FormatException($"Unexpected mariadb-binlog line {i + 1}: {ValueNormalizer.Shorten(line)}");
            }
        }

        Flush();
        return rows;
    }

    /// <summary>The lines of the output, each decoded (Latin-1) only when asked for.</summary>
    private sealed class OutputLines
    {
        private readonly byte[] _output;
        private readonly List<int> _starts = [0];

        public OutputLines(byte[] output)
        {
            _output = output;
            for (var at = Array.IndexOf(output, (byte)'\n'); at >= 0; at = Array.IndexOf(output, (byte)'\n', at + 1))
                _starts.Add(at + 1);
        }

        public int Length => _starts.Count;

        public string this[int index]
        {
            get
            {
                var start = _starts[index];
                var end = index + 1 < _starts.Count ? _starts[index + 1] - 1 : _output.Length;
                return Encoding.Latin1.GetString(_output, start, end - start);
            }
        }
    }

    private static string Utf8(string latin1) => Encoding.UTF8.GetString(Encoding.Latin1.GetBytes(latin1));

    /// <summary>The bytes of a quoted mariadb-binlog string: <c>\xNN</c> is a byte below 0x20, everything else is itself.</summary>
    internal static byte[] Unescape(string quoted)
    {
        if (quoted.Length < 2 || quoted[0] != '\'' || quoted[^1] != '\'')
            throw new FormatException($"Not a quoted mariadb-binlog string: {ValueNormalizer.Shorten(quoted)}");
        var bytes = new List<byte>(quoted.Length);
        for (var i = 1; i < quoted.Length - 1; i++)
        {
            if (quoted[i] == '\\' && i + 3 < quoted.Length - 1 && quoted[i + 1] == 'x' &&
                byte.TryParse(quoted.AsSpan(i + 2, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var escaped))
            {
                bytes.Add(escaped);
                i += 3;
            }
            else
            {
                bytes.Add((byte)quoted[i]);
            }
        }

        return [.. bytes];
    }

    [GeneratedRegex(@"\tGTID (\d+-\d+-\d+)")]
    private static partial Regex GtidLine();

    [GeneratedRegex(@"\tTable_map: `([^`]*)`\.`([^`]*)` mapped to number \d+")]
    private static partial Regex TableMapLine();

    [GeneratedRegex(@"^# (Columns\(|        )(`.*)$")]
    private static partial Regex ColumnLine();

    [GeneratedRegex(@"^### (INSERT INTO|UPDATE|DELETE FROM) `([^`]*)`\.`([^`]*)`$")]
    private static partial Regex RowHeaderLine();

    private sealed class RowBuilder(string database, string table, RowsEventKind kind, List<BinlogColumn>? columns)
    {
        public string Database { get; } = database;

        public List<DecodedValue>? Before { get; set; }

        public List<DecodedValue>? After { get; set; }

        public List<DecodedValue>? Current { get; set; }

        public void Add(string line)
        {
            // ###   @N=<value> /* TYPE meta=M nullable=X is_null=Y */ ; the value may contain anything but a newline,
            // so the comment is found from the end.
            var comment = line.LastIndexOf(" /* ", StringComparison.Ordinal);
            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (comment < 0 || equals < 0 || !line.EndsWith(" */", StringComparison.Ordinal))
                throw new FormatException($"Unexpected value line: {ValueNormalizer.Shorten(line)}");
            var index = int.Parse(line.AsSpan(7, equals - 7), CultureInfo.InvariantCulture);
            var value = line[(equals + 1)..comment];
            var isNull = line.EndsWith("is_null=1 */", StringComparison.Ordinal);
            if (columns is null || index > columns.Count)
                throw new FormatException($"No table metadata for `{Database}`.`{table}` column @{index}; was --print-table-metadata honoured?");
            var column = columns[index - 1];
            Current!.Add(isNull ? ValueNormalizer.Null(column.Name, "NULL") with { BaseType = column.BaseType, Charset = column.Charset } : column.Normalize(value));
        }

        public DecodedRow Build(string? gtid) => new(gtid, Database, table, kind, Before, After);
    }

    /// <summary>One column from the <c># Columns(…)</c> block: <c>`name` TYPE[(args)] [UNSIGNED] [CHARSET cs COLLATE co]</c>.</summary>
    private sealed record BinlogColumn(string Name, string BaseType, string Arguments, bool Unsigned, string? Charset, IReadOnlyList<string> Members)
    {
        public static BinlogColumn Parse(string definition)
        {
            var nameEnd = definition.IndexOf('`', 1);
            var name = Utf8(definition[1..nameEnd]);
            var rest = definition[(nameEnd + 2)..];
            var baseEnd = 0;
            while (baseEnd < rest.Length && char.IsAsciiLetter(rest[baseEnd]))
                baseEnd++;
            var baseType = rest[..baseEnd];
            var arguments = "";
            var position = baseEnd;
            if (position < rest.Length && rest[position] == '(')
            {
                var inQuote = false;
                for (position++; position < rest.Length; position++)
                {
                    var c = rest[position];
                    if (c == '\'')
                        inQuote = !inQuote;
                    else if (c == ')' && !inQuote)
                        break;
                }

                arguments = rest[(baseEnd + 1)..position];
                position++;
            }

            var tail = rest[position..];
            var charset = Regex.Match(tail, @"CHARSET (\w+)") is { Success: true } m ? m.Groups[1].Value : null;
            var members = baseType is "ENUM" or "SET" ? ParseMembers(arguments) : [];
            return new BinlogColumn(name, baseType, arguments, tail.Contains(" UNSIGNED", StringComparison.Ordinal), charset, members);
        }

        private static List<string> ParseMembers(string arguments)
        {
            // 'a','b''c' : quotes doubled inside members.
            var members = new List<string>();
            var current = new StringBuilder();
            for (var i = 0; i < arguments.Length; i++)
            {
                if (arguments[i] != '\'')
                    continue;
                current.Clear();
                for (i++; i < arguments.Length; i++)
                {
                    if (arguments[i] == '\'' && i + 1 < arguments.Length && arguments[i + 1] == '\'')
                    {
                        current.Append('\'');
                        i++;
                    }
                    else if (arguments[i] == '\'')
                    {
                        break;
                    }
                    else
                    {
                        current.Append(arguments[i]);
                    }
                }

                members.Add(Utf8(current.ToString()));
            }

            return members;
        }

        public DecodedValue Normalize(string value)
        {
            var raw = ValueNormalizer.Shorten(value);
            return new DecodedValue(Name, Canonical(value, out var text), raw, text) { BaseType = BaseType, Charset = Charset };
        }

        private string Canonical(string value, out string? text)
        {
            text = null;
            switch (BaseType)
            {
                case "TINYINT" or "SMALLINT" or "MEDIUMINT" or "INT" or "BIGINT":
                    {
                        // "-1 (255)": the signed reading, then the unsigned one when they differ.
                        var open = value.IndexOf(" (", StringComparison.Ordinal);
                        if (open < 0)
                            return value;
                        return Unsigned ? value[(open + 2)..^1] : value[..open];
                    }

                case "FLOAT":
                    return ValueNormalizer.FloatCanonical(value);
                case "DOUBLE":
                    return ValueNormalizer.DoubleCanonical(value);
                case "DECIMAL":
                    return value;
                case "BIT":
                    return Convert.ToUInt64(Unquote(value[1..]), 2).ToString(CultureInfo.InvariantCulture);
                case "YEAR":
                    return value == "1900" ? "0000" : value;
                case "DATE":
                    return Unquote(value).Replace(':', '-');
                case "TIME" or "DATETIME":
                    return Unquote(value);
                case "TIMESTAMP":
                    return Timestamp(value);
                case "ENUM":
                    {
                        var index = int.Parse(value, CultureInfo.InvariantCulture);
                        return index == 0 ? "" : Members[index - 1];
                    }

                case "SET":
                    {
                        // The stored bytes in storage order (little-endian), each printed most significant bit first.
                        var digits = Unquote(value[1..]);
                        ulong bits = 0;
                        for (var b = 0; b < digits.Length / 8; b++)
                            bits |= (ulong)Convert.ToByte(digits.Substring(b * 8, 8), 2) << (8 * b);
                        return string.Join(",", Members.Where((_, i) => (bits & (1UL << i)) != 0));
                    }

                default:
                    {
                        var bytes = MariaDbBinlogOutputParser.Unescape(value);
                        if (BaseType == "BINARY")
                        {
                            // Stored without trailing 0x00; SELECT and VGate return the padded value.
                            var length = int.Parse(Arguments, CultureInfo.InvariantCulture);
                            Array.Resize(ref bytes, Math.Max(length, bytes.Length));
                        }

                        text = ValueNormalizer.EncodingOf(Charset)?.GetString(bytes);
                        return ValueNormalizer.BytesCanonical(bytes);
                    }
            }
        }

        private static string Unquote(string value) =>
            value.Length >= 2 && value[0] == '\'' && value[^1] == '\'' ? value[1..^1] : throw new FormatException($"Not quoted: {value}");

        /// <summary>Seconds since the epoch (with the column's fraction digits) to VGate's UTC text form.</summary>
        private string Timestamp(string value)
        {
            var dot = value.IndexOf('.', StringComparison.Ordinal);
            var seconds = long.Parse(dot < 0 ? value : value[..dot], CultureInfo.InvariantCulture);
            var fraction = dot < 0 ? "" : value[dot..];
            var fsp = Arguments.Length == 0 ? 0 : int.Parse(Arguments, CultureInfo.InvariantCulture);
            if (fraction.Length != (fsp == 0 ? 0 : fsp + 1))
                throw new FormatException($"TIMESTAMP({fsp}) printed as {value}");
            var clock = seconds == 0
                ? "0000-00-00 00:00:00"
                : DateTime.UnixEpoch.AddSeconds(seconds).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            return clock + fraction;
        }
    }
}
