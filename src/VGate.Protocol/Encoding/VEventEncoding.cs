using Google.Protobuf;
using VGate.Protocol.Encoding;

namespace Binlogdata;

/// <summary>
/// The serialized form of a VEvent, computed once and shared. A tablet-level event read by a fan-out hub goes to every
/// subscriber of that shard; encoding it once instead of once per subscriber is what keeps the gateway's CPU nearly flat
/// in the number of subscribers (issue 5: 100 subscribers ≤ 2× the CPU of one).
/// </summary>
/// <remarks>
/// <para>
/// The cache assumes the event is not changed after the first call: call it only on events that have been handed on
/// (a streamer's batch, a hub's ring). Two forms are kept, because VTGate prefixes FIELD and ROW table names with
/// <c>keyspace.</c> unless the client sets <c>exclude_keyspace_from_table_name</c>: the event as it is, and the event with
/// its table name prefixed. Concurrent first calls may both encode, but the first to publish wins and every caller gets its
/// array, so all subscribers share one encoding.
/// </para>
/// <para>
/// ROW events from the binlog are born encoded (<see cref="EncodeRowChanges{TState}(RowEventFrame, int, int, TState, System.Buffers.SpanAction{byte, TState})"/>): the streamer writes each row change
/// straight into the event's encoding, in the form the gateway sends by default, so a row costs no <c>RowChange</c>/<c>Row</c>
/// objects and is written once; another form (without the keyspace prefix) is framed around a copy of those bytes on demand. Such an event's <see cref="RowEvent.RowChanges"/> list is empty;
/// <see cref="Materialize"/> gives the full object form.
/// </para>
/// </remarks>
public sealed partial class VEvent
{
    private byte[]? _encoded;
    private PrefixedEncoding? _encodedPrefixed;

    // For a ROW event born encoded: the encoding written at creation (returned as it is for _bornPrefix, without a
    // PrefixedEncoding object: both are set before the event is handed on and never change), where its row changes lie
    // in it, and how many.
    private byte[]? _rowChangesSource;
    private string? _bornPrefix;
    private int _rowChangesOffset;
    private int _rowChangesLength;
    private int _encodedRowChangeCount = -1;

    /// <summary>
    /// True when this ROW event's row changes are held encoded (<see cref="EncodeRowChanges{TState}(RowEventFrame, int, int, TState, System.Buffers.SpanAction{byte, TState})"/>) instead of in
    /// <see cref="RowEvent.RowChanges"/>, which is then empty.
    /// </summary>
    public bool HasEncodedRowChanges => _encodedRowChangeCount >= 0;

    /// <summary>The number of row changes: of the encoded ones when <see cref="HasEncodedRowChanges"/>, else of the list.</summary>
    public int RowChangeCount => HasEncodedRowChanges ? _encodedRowChangeCount : RowEvent?.RowChanges.Count ?? 0;

    /// <summary>
    /// Makes this a ROW event born encoded: writes its whole encoding — as <see cref="GetEncoded"/> with
    /// <paramref name="tableNamePrefix"/> returns it from now on — with <paramref name="writeChanges"/> filling in the row
    /// changes: the concatenation of <c>RowEvent.row_changes</c> fields (tag <c>0x12</c>, length, <c>RowChange</c> bytes)
    /// as the generated serializer would write them. <see cref="RowEvent"/> keeps the event's other fields (table name,
    /// keyspace, shard, flags) and must have no row changes of its own; the event must not be changed afterwards. Several
    /// events may share one RowEvent (the streamer shares one per table and flags value), which is then not changed either.
    /// </summary>
    /// <typeparam name="TState">What <paramref name="writeChanges"/> writes from.</typeparam>
    /// <param name="tableNamePrefix">The keyspace the form written now prefixes table names with (null: none). Pass the
    /// form the event will most often be sent in; the other forms are framed from it on demand.</param>
    /// <param name="changesLength">The exact size of the encoded row changes.</param>
    /// <param name="count">How many row changes they are.</param>
    /// <param name="state">Passed to <paramref name="writeChanges"/>.</param>
    /// <param name="writeChanges">Writes exactly <paramref name="changesLength"/> bytes into the span it is given.</param>
    /// <exception cref="InvalidOperationException">The event is not a ROW event with an empty <see cref="RowEvent"/>, carries another payload, or was encoded already.</exception>
    public void EncodeRowChanges<TState>(string? tableNamePrefix, int changesLength, int count, TState state, System.Buffers.SpanAction<byte, TState> writeChanges) =>
        EncodeRowChanges(tableNamePrefix, frame: null, changesLength, count, state, writeChanges);

    /// <summary>
    /// <see cref="EncodeRowChanges{TState}(string, int, int, TState, System.Buffers.SpanAction{byte, TState})"/> with the
    /// prefix and the names taken from <paramref name="frame"/>: a streamer writes thousands of ROW events of one table, and
    /// the frame holds their names already encoded. When the event's names differ from the frame's, the frame is not used
    /// (the bytes are the same either way).
    /// </summary>
    /// <typeparam name="TState">What <paramref name="writeChanges"/> writes from.</typeparam>
    /// <param name="frame">The prefix (see <see cref="RowEventFrame.TableNamePrefix"/>) and the encoded names.</param>
    /// <param name="changesLength">The exact size of the encoded row changes.</param>
    /// <param name="count">How many row changes they are.</param>
    /// <param name="state">Passed to <paramref name="writeChanges"/>.</param>
    /// <param name="writeChanges">Writes exactly <paramref name="changesLength"/> bytes into the span it is given.</param>
    /// <exception cref="InvalidOperationException">As for the overload without a frame.</exception>
    public void EncodeRowChanges<TState>(RowEventFrame frame, int changesLength, int count, TState state, System.Buffers.SpanAction<byte, TState> writeChanges)
    {
        ArgumentNullException.ThrowIfNull(frame);
        EncodeRowChanges(frame.TableNamePrefix, frame, changesLength, count, state, writeChanges);
    }

    private void EncodeRowChanges<TState>(string? tableNamePrefix, RowEventFrame? frame, int changesLength, int count, TState state,
        System.Buffers.SpanAction<byte, TState> writeChanges)
    {
        ArgumentNullException.ThrowIfNull(writeChanges);
        ArgumentOutOfRangeException.ThrowIfNegative(changesLength);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (RowEvent is not { RowChanges.Count: 0 } || HasOtherPayload())
            throw new InvalidOperationException("Encoded row changes need a ROW event whose RowEvent has no row changes and no other payload.");
        if (_encoded is not null || _encodedPrefixed is not null || HasEncodedRowChanges)
            throw new InvalidOperationException("The event has been encoded already.");

        var bytes = frame is not null && frame.Fits(this) ? FrameRowChanges(frame, changesLength, out var offset)
            : FrameRowChanges(tableNamePrefix, changesLength, out offset);
        writeChanges(bytes.AsSpan(offset, changesLength), state);
        _rowChangesSource = bytes;
        _rowChangesOffset = offset;
        _rowChangesLength = changesLength;
        _encodedRowChangeCount = count;
        if (tableNamePrefix is null)
            _encoded = bytes;
        else
            _bornPrefix = tableNamePrefix;
    }

    /// <summary>
    /// The event with every field in object form: itself, or for an event with encoded row changes a new event parsed from
    /// its encoding (for tests and tools that inspect rows; the gateway never needs it).
    /// </summary>
    public VEvent Materialize() => HasEncodedRowChanges ? Parser.ParseFrom(GetEncoded()) : this;

    /// <summary>The size of <see cref="GetEncoded"/>'s unprefixed form, without encoding it.</summary>
    public int GetEncodedSize() => HasEncodedRowChanges ? ComputeRowEventSize(null, _rowChangesLength, out _) : CalculateSize();

    /// <summary>
    /// The protobuf encoding of this event. With <paramref name="tableNamePrefix"/> set, a FIELD or ROW event is encoded with
    /// <c>prefix + "." + table_name</c> as its table name (other events do not carry one and are encoded as they are).
    /// </summary>
    /// <param name="tableNamePrefix">The keyspace to prefix table names with, or null for the event as it is.</param>
    /// <returns>The shared encoding; callers must not change it.</returns>
    public byte[] GetEncoded(string? tableNamePrefix = null)
    {
        if (tableNamePrefix is null || (FieldEvent is null && RowEvent is null))
        {
            if (_encoded is { } cached)
                return cached;
            var encoded = HasEncodedRowChanges ? ReframeRowChanges(null) : this.ToByteArray();
            return Interlocked.CompareExchange(ref _encoded, encoded, null) ?? encoded;
        }

        if (_bornPrefix is not null && string.Equals(_bornPrefix, tableNamePrefix, StringComparison.Ordinal))
            return _rowChangesSource!;
        var prefixed = _encodedPrefixed;
        if (prefixed is not null && string.Equals(prefixed.Keyspace, tableNamePrefix, StringComparison.Ordinal))
            return prefixed.Bytes;

        var bytes = HasEncodedRowChanges ? ReframeRowChanges(tableNamePrefix) : EncodePrefixed(tableNamePrefix);
        var seen = Interlocked.CompareExchange(ref _encodedPrefixed, new PrefixedEncoding(tableNamePrefix, bytes), prefixed);
        // Another caller published first: share its array when it is for the same keyspace.
        return !ReferenceEquals(seen, prefixed) && seen is not null && string.Equals(seen.Keyspace, tableNamePrefix, StringComparison.Ordinal) ? seen.Bytes : bytes;
    }

    private byte[] EncodePrefixed(string tableNamePrefix)
    {
        // A shallow copy: MergeFrom copies the scalars and the FieldEvent/RowEvent shells but shares their Field and RowChange
        // elements, which are not changed.
        var copy = new VEvent();
        copy.MergeFrom(this);
        if (copy.FieldEvent is { } field)
            field.TableName = tableNamePrefix + "." + field.TableName;
        if (copy.RowEvent is { } row)
            row.TableName = tableNamePrefix + "." + row.TableName;
        return copy.ToByteArray();
    }

    // Field numbers of binlogdata.VEvent and binlogdata.RowEvent (proto/binlogdata.proto). The generated serializer writes
    // fields in field-number order and skips proto3 defaults; the hand-written encoding below does the same, so it is
    // byte for byte what ToByteArray() writes for the materialized event (a test holds it to that).
    private const int TypeField = 1, TimestampField = 2, GtidField = 3, StatementField = 4, RowEventField = 5, DmlField = 9,
        CurrentTimeField = 20, KeyspaceField = 22, ShardField = 23, ThrottledField = 24, ThrottledReasonField = 25,
        CommitParentField = 26, SequenceNumberField = 27, EventGtidField = 28;

    private const int RowTableNameField = 1, RowKeyspaceField = 3, RowShardField = 4, RowFlagsField = 5, RowIsInternalField = 6;

    /// <summary>
    /// Size of the whole event with its table name prefixed by <paramref name="tableNamePrefix"/> and a dot (null: as it is);
    /// <paramref name="rowEventSize"/> is the RowEvent's payload size.
    /// </summary>
    private int ComputeRowEventSize(string? tableNamePrefix, int changesLength, out int rowEventSize)
    {
        var row = EncodedRowEvent;
        var tableName = tableNamePrefix is null ? WireWriter.Utf8Length(row.TableName)
            : WireWriter.Utf8Length(tableNamePrefix) + 1 + WireWriter.Utf8Length(row.TableName);
        rowEventSize = (tableName == 0 ? 0 : 1 + CodedOutputStream.ComputeLengthSize(tableName) + tableName) + changesLength +
            StringSize(RowKeyspaceField, row.Keyspace) + StringSize(RowShardField, row.Shard) + VarintSize(RowFlagsField, row.Flags) +
            VarintSize(RowIsInternalField, row.IsInternalTable ? 1UL : 0);
        return 1 + CodedOutputStream.ComputeLengthSize(rowEventSize) + rowEventSize +
            VarintSize(TypeField, (ulong)(long)(int)Type) + VarintSize(TimestampField, (ulong)Timestamp) +
            StringSize(GtidField, Gtid) + StringSize(StatementField, Statement) + StringSize(DmlField, Dml) +
            VarintSize(CurrentTimeField, (ulong)CurrentTime) + StringSize(KeyspaceField, Keyspace) + StringSize(ShardField, Shard) +
            VarintSize(ThrottledField, Throttled ? 1UL : 0) + StringSize(ThrottledReasonField, ThrottledReason) +
            VarintSize(CommitParentField, (ulong)CommitParent) + VarintSize(SequenceNumberField, (ulong)SequenceNumber) +
            StringSize(EventGtidField, EventGtid);
    }

    /// <summary>
    /// <see cref="FrameRowChanges(string?, int, out int)"/> for an event whose names <paramref name="frame"/> holds encoded
    /// (<see cref="RowEventFrame.Fits"/>): the same bytes, with the names copied instead of measured and transcoded.
    /// </summary>
    private byte[] FrameRowChanges(RowEventFrame frame, int changesLength, out int changesOffset)
    {
        if (HasOtherPayload())
            throw new InvalidOperationException("A ROW event with encoded row changes was given another payload.");
        var row = EncodedRowEvent;
        if (IsPlainRowEvent(row))
            return FramePlainRowChanges(frame, row.Flags, changesLength, out changesOffset);
        var rowEventSize = FramedRowEventSize(frame, changesLength, row.Flags, row.IsInternalTable);
        var size = 1 + CodedOutputStream.ComputeLengthSize(rowEventSize) + rowEventSize +
            VarintSize(TypeField, (ulong)(long)(int)Type) + VarintSize(TimestampField, (ulong)Timestamp) +
            StringSize(GtidField, Gtid) + StringSize(StatementField, Statement) + StringSize(DmlField, Dml) +
            VarintSize(CurrentTimeField, (ulong)CurrentTime) + frame.EventNamesFields.Length +
            VarintSize(ThrottledField, Throttled ? 1UL : 0) + StringSize(ThrottledReasonField, ThrottledReason) +
            VarintSize(CommitParentField, (ulong)CommitParent) + VarintSize(SequenceNumberField, (ulong)SequenceNumber) +
            StringSize(EventGtidField, EventGtid);
        // Every byte is written (the length check below holds it to that), so the array need not be zeroed.
        var bytes = GC.AllocateUninitializedArray<byte>(size);
        var writer = new WireWriter(bytes);
        WriteFieldsBeforeRowEvent(ref writer);
        changesOffset = WriteFramedRowEvent(ref writer, frame, rowEventSize, changesLength, row.Flags, row.IsInternalTable);
        WriteString(ref writer, DmlField, Dml);
        WriteVarint(ref writer, CurrentTimeField, (ulong)CurrentTime);
        writer.WriteRaw(frame.EventNamesFields);
        WriteFieldsAfterNames(ref writer);
        CheckFramedLength(writer.Position, bytes);
        return bytes;
    }

    /// <summary>The RowEvent payload's size for <see cref="WriteFramedRowEvent"/>.</summary>
    private static int FramedRowEventSize(RowEventFrame frame, int changesLength, uint flags, bool isInternalTable) =>
        frame.TableNameField.Length + changesLength + frame.RowNamesFields.Length +
        VarintSize(RowFlagsField, flags) + VarintSize(RowIsInternalField, isInternalTable ? 1UL : 0);

    /// <summary>
    /// Writes the RowEvent field from <paramref name="frame"/>'s encoded names, leaving <paramref name="changesLength"/> bytes
    /// for the row changes; returns where they go.
    /// </summary>
    private static int WriteFramedRowEvent(ref WireWriter writer, RowEventFrame frame, int rowEventSize, int changesLength, uint flags, bool isInternalTable)
    {
        writer.WriteTag(RowEventField, 2);
        writer.WriteLength(rowEventSize);
        writer.WriteRaw(frame.TableNameField);
        var changesOffset = writer.Position;
        writer.Skip(changesLength);
        writer.WriteRaw(frame.RowNamesFields);
        WriteVarint(ref writer, RowFlagsField, flags);
        WriteVarint(ref writer, RowIsInternalField, isInternalTable ? 1UL : 0);
        return changesOffset;
    }

    /// <summary>Every byte of a framed event is written (its array is not zeroed): holds the writer to that.</summary>
    private static void CheckFramedLength(int written, byte[] bytes)
    {
        if (written != bytes.Length)
            throw new InvalidOperationException($"Framed ROW event is {written} bytes, expected {bytes.Length}.");
    }

    /// <summary>
    /// True for a ROW event as the streamer makes it: besides the names, only type, timestamp, current_time, the flags and
    /// the transaction's commit_parent, sequence_number and event_gtid are set. (Every field this checks is written by
    /// the general path when set.)
    /// </summary>
    private bool IsPlainRowEvent(RowEvent row) =>
        (Gtid.Length | Statement.Length | Dml.Length | ThrottledReason.Length) == 0 && !Throttled && !row.IsInternalTable;

    /// <summary>
    /// <see cref="FrameRowChanges(RowEventFrame, int, out int)"/> for a plain event (<see cref="IsPlainRowEvent"/>): the
    /// streamer's case, written without the checks for fields it never sets.
    /// </summary>
    private byte[] FramePlainRowChanges(RowEventFrame frame, uint flags, int changesLength, out int changesOffset)
    {
        var rowEventSize = FramedRowEventSize(frame, changesLength, flags, isInternalTable: false);
        var size = 1 + CodedOutputStream.ComputeLengthSize(rowEventSize) + rowEventSize +
            VarintSize(TypeField, (ulong)(long)(int)Type) + VarintSize(TimestampField, (ulong)Timestamp) +
            VarintSize(CurrentTimeField, (ulong)CurrentTime) + frame.EventNamesFields.Length +
            VarintSize(CommitParentField, (ulong)CommitParent) + VarintSize(SequenceNumberField, (ulong)SequenceNumber) +
            StringSize(EventGtidField, EventGtid);
        // Every byte is written (the length check below holds it to that), so the array need not be zeroed.
        var bytes = GC.AllocateUninitializedArray<byte>(size);
        var writer = new WireWriter(bytes);
        WriteVarint(ref writer, TypeField, (ulong)(long)(int)Type);
        WriteVarint(ref writer, TimestampField, (ulong)Timestamp);
        changesOffset = WriteFramedRowEvent(ref writer, frame, rowEventSize, changesLength, flags, isInternalTable: false);
        WriteVarint(ref writer, CurrentTimeField, (ulong)CurrentTime);
        writer.WriteRaw(frame.EventNamesFields);
        WriteVarint(ref writer, CommitParentField, (ulong)CommitParent);
        WriteVarint(ref writer, SequenceNumberField, (ulong)SequenceNumber);
        WriteString(ref writer, EventGtidField, EventGtid);
        CheckFramedLength(writer.Position, bytes);
        return bytes;
    }

    /// <summary>Another form of a born-encoded event: the same row changes framed with <paramref name="tableNamePrefix"/>.</summary>
    private byte[] ReframeRowChanges(string? tableNamePrefix)
    {
        var bytes = FrameRowChanges(tableNamePrefix, _rowChangesLength, out var offset);
        _rowChangesSource.AsSpan(_rowChangesOffset, _rowChangesLength).CopyTo(bytes.AsSpan(offset));
        return bytes;
    }

    /// <summary>
    /// The encoding of this ROW event with every field written except the row changes, which go at
    /// <paramref name="changesOffset"/> (<paramref name="changesLength"/> bytes, left for the caller to fill).
    /// </summary>
    private byte[] FrameRowChanges(string? tableNamePrefix, int changesLength, out int changesOffset)
    {
        if (HasOtherPayload())
            throw new InvalidOperationException("A ROW event with encoded row changes was given another payload.");
        var row = EncodedRowEvent;
        // Every byte is written (the length check below holds it to that), so the array need not be zeroed.
        var bytes = GC.AllocateUninitializedArray<byte>(ComputeRowEventSize(tableNamePrefix, changesLength, out var rowEventSize));
        var writer = new WireWriter(bytes);
        WriteFieldsBeforeRowEvent(ref writer);
        writer.WriteTag(RowEventField, 2);
        writer.WriteLength(rowEventSize);
        if (tableNamePrefix is not null)
            writer.WriteString(RowTableNameField, tableNamePrefix, row.TableName);
        else
            WriteString(ref writer, RowTableNameField, row.TableName);
        changesOffset = writer.Position;
        writer.Skip(changesLength);
        WriteString(ref writer, RowKeyspaceField, row.Keyspace);
        WriteString(ref writer, RowShardField, row.Shard);
        WriteVarint(ref writer, RowFlagsField, row.Flags);
        WriteVarint(ref writer, RowIsInternalField, row.IsInternalTable ? 1UL : 0);

        WriteString(ref writer, DmlField, Dml);
        WriteVarint(ref writer, CurrentTimeField, (ulong)CurrentTime);
        WriteString(ref writer, KeyspaceField, Keyspace);
        WriteString(ref writer, ShardField, Shard);
        WriteFieldsAfterNames(ref writer);
        CheckFramedLength(writer.Position, bytes);
        return bytes;
    }

    /// <summary>The VEvent fields numbered below the RowEvent (5), in field order, as the generated serializer writes them.</summary>
    private void WriteFieldsBeforeRowEvent(ref WireWriter writer)
    {
        WriteVarint(ref writer, TypeField, (ulong)(long)(int)Type);
        WriteVarint(ref writer, TimestampField, (ulong)Timestamp);
        WriteString(ref writer, GtidField, Gtid);
        WriteString(ref writer, StatementField, Statement);
    }

    /// <summary>The VEvent fields numbered after keyspace and shard (22, 23), in field order.</summary>
    private void WriteFieldsAfterNames(ref WireWriter writer)
    {
        WriteVarint(ref writer, ThrottledField, Throttled ? 1UL : 0);
        WriteString(ref writer, ThrottledReasonField, ThrottledReason);
        WriteVarint(ref writer, CommitParentField, (ulong)CommitParent);
        WriteVarint(ref writer, SequenceNumberField, (ulong)SequenceNumber);
        WriteString(ref writer, EventGtidField, EventGtid);
    }

    private RowEvent EncodedRowEvent => RowEvent ?? throw new InvalidOperationException("A ROW event with encoded row changes lost its RowEvent.");

    // What the hand-written encoding does not write: message fields other than the RowEvent, and unknown fields.
    private bool HasOtherPayload() =>
        FieldEvent is not null || Vgtid is not null || Journal is not null || LastPKEvent is not null || _unknownFields is not null ||
        (RowEvent?.HasUnknownFields ?? false);

    private static int StringSize(int fieldNumber, string value) =>
        value.Length == 0 ? 0 : CodedOutputStream.ComputeTagSize(fieldNumber) + WireWriter.LengthDelimitedPayloadSize(WireWriter.Utf8Length(value));

    private static int VarintSize(int fieldNumber, ulong value) =>
        value == 0 ? 0 : CodedOutputStream.ComputeTagSize(fieldNumber) + CodedOutputStream.ComputeRawVarint64Size(value);

    /// <summary>Writes a varint field (int64, uint32, enum, bool), skipped when 0 as proto3 does.</summary>
    private static void WriteVarint(ref WireWriter writer, int fieldNumber, ulong value)
    {
        if (value == 0)
            return;
        writer.WriteTag(fieldNumber, 0);
        writer.WriteVarint(value);
    }

    private static void WriteString(ref WireWriter writer, int fieldNumber, string value)
    {
        if (value.Length != 0)
            writer.WriteString(fieldNumber, value);
    }

    /// <summary>The encoding with table names prefixed by <see cref="Keyspace"/>; one object so it is published atomically.</summary>
    private sealed record PrefixedEncoding(string Keyspace, byte[] Bytes);

    private ShardGtidEncoding? _shardGtid;

    /// <summary>
    /// The encoding of <c>ShardGtid { keyspace, shard, gtid = this event's Gtid }</c> (no <c>table_p_ks</c>), computed once:
    /// the entry every stream's VGTID carries for a shard after this GTID event. A hub's subscribers all put the same
    /// entry into their VGTIDs after each transaction; sharing it means each stream encodes only its own vector around it.
    /// </summary>
    /// <param name="keyspace">The entry's keyspace.</param>
    /// <param name="shard">The entry's shard.</param>
    /// <returns>The shared encoding; callers must not change it.</returns>
    public byte[] GetEncodedShardGtid(string keyspace, string shard)
    {
        ArgumentNullException.ThrowIfNull(keyspace);
        ArgumentNullException.ThrowIfNull(shard);
        var cached = _shardGtid;
        if (cached is not null && string.Equals(cached.Keyspace, keyspace, StringComparison.Ordinal)
            && string.Equals(cached.Shard, shard, StringComparison.Ordinal))
            return cached.Bytes;
        var bytes = new ShardGtid { Keyspace = keyspace, Shard = shard, Gtid = Gtid }.ToByteArray();
        Interlocked.CompareExchange(ref _shardGtid, new ShardGtidEncoding(keyspace, shard, bytes), cached);
        return bytes;
    }

    private sealed record ShardGtidEncoding(string Keyspace, string Shard, byte[] Bytes);

    private FollowingVgtidEvent? _followingVgtid;

    /// <summary>
    /// The VGTID event a stream built after this GTID event, if it was built from the same VGTID entries (the same arrays:
    /// entries are compared by reference) for the same keyspace and shard (<see cref="SetFollowingVgtidEvent"/>). The
    /// streams on a hub that are at the same position send the same VGTID event after each transaction; the first builds
    /// it, the others take it from here.
    /// </summary>
    /// <param name="entries">The encoded <c>ShardGtid</c> entries of the stream's VGTID, in order.</param>
    /// <param name="keyspace">The VGTID event's keyspace.</param>
    /// <param name="shard">The VGTID event's shard.</param>
    /// <param name="encoded">The shared encoding (callers must not change it), when found.</param>
    public bool TryGetFollowingVgtidEvent(ReadOnlySpan<byte[]> entries, string keyspace, string shard, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out byte[]? encoded)
    {
        encoded = null;
        var cached = Volatile.Read(ref _followingVgtid);
        if (cached is null || cached.Entries.Length != entries.Length
            || !string.Equals(cached.Keyspace, keyspace, StringComparison.Ordinal) || !string.Equals(cached.Shard, shard, StringComparison.Ordinal))
            return false;
        for (var i = 0; i < entries.Length; i++)
        {
            if (!ReferenceEquals(cached.Entries[i], entries[i]))
                return false;
        }
        encoded = cached.Bytes;
        return true;
    }

    /// <summary>Keeps a VGTID event built after this GTID event for <see cref="TryGetFollowingVgtidEvent"/> (the last one kept wins).</summary>
    /// <param name="entries">The encoded entries it was built from (copied).</param>
    /// <param name="keyspace">The VGTID event's keyspace.</param>
    /// <param name="shard">The VGTID event's shard.</param>
    /// <param name="encoded">The VGTID event's encoding, which must not change from now on.</param>
    public void SetFollowingVgtidEvent(ReadOnlySpan<byte[]> entries, string keyspace, string shard, byte[] encoded) =>
        Volatile.Write(ref _followingVgtid, new FollowingVgtidEvent(entries.ToArray(), keyspace, shard, encoded));

    private sealed record FollowingVgtidEvent(byte[][] Entries, string Keyspace, string Shard, byte[] Bytes);
}

/// <summary>What <see cref="VEvent"/>'s hand-written encoding needs to know about a RowEvent.</summary>
public sealed partial class RowEvent
{
    /// <summary>True when the message carries fields this version of the protos does not know (kept by the parser).</summary>
    internal bool HasUnknownFields => _unknownFields is not null;
}
