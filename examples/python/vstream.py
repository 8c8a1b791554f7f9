#!/usr/bin/python3
"""A small VTGate client on Debian's python3-grpcio: VStream from a VGTID (or "current", or a copy first) and Execute.

Usage (after ./build.sh, which generates the message modules into ./generated):

    vstream.py [--addr HOST:PORT] [--user U --password P] vstream [--keyspace KS] [--vgtid current|copy|JSON]
               [--rule TABLE | --rule /REGEXP/ | --rule 'TABLE=SELECT ...'] [--heartbeat S] [--events ROW,...]
               [--count N] [--until TYPE] [--timeout S]
    vstream.py [--addr HOST:PORT] execute [--target KS[:SHARD][@TYPE]] SQL

vstream prints one VEvent per line as protobuf JSON (the same shape as examples/go); execute prints
{"fields": [...], "rows": [[...]]}. A gRPC error is printed on stderr as "rpc error: code = INVALID_ARGUMENT desc = ..."
and exits with 1.
"""

import argparse
import json
import os
import sys

import grpc
from google.protobuf import json_format

sys.path.insert(0, os.environ.get("VGATE_PY_GENERATED", os.path.join(os.path.dirname(os.path.abspath(__file__)), "generated")))
try:
    import binlogdata_pb2
    import query_pb2
    import topodata_pb2
    import vtgate_pb2
    import vtrpc_pb2
except ImportError as error:
    sys.exit(f"vstream.py: {error}: run examples/python/build.sh first (or set VGATE_PY_GENERATED)")

SERVICE = "/vtgateservice.Vitess/"


def parse_vgtid(text, keyspace):
    if text in ("current", "copy"):
        if not keyspace:
            sys.exit(f"vstream.py: --vgtid {text} needs --keyspace")
        # An empty position asks for a copy of the filtered tables first.
        gtid = "current" if text == "current" else ""
        return binlogdata_pb2.VGtid(shard_gtids=[binlogdata_pb2.ShardGtid(keyspace=keyspace, gtid=gtid)])
    try:
        return json_format.Parse(text, binlogdata_pb2.VGtid())
    except json_format.ParseError as error:
        sys.exit(f"vstream.py: --vgtid is not 'current', 'copy' or a VGtid in JSON: {error}")


def rule(text):
    match, _, query = text.partition("=")
    if not query and not match.startswith("/"):
        # As in Vitess, a rule naming one table must carry a query; a /regexp/ needs none.
        query = "select * from " + match
    return binlogdata_pb2.Rule(match=match, filter=query)


def is_last(event, until):
    """-until's event; for COPY_COMPLETED the one without keyspace, which ends the copy of every shard."""
    if binlogdata_pb2.VEventType.Name(event.type) != until.upper():
        return False
    return event.type != binlogdata_pb2.COPY_COMPLETED or not event.keyspace


def stream(channel, metadata, args):
    request = vtgate_pb2.VStreamRequest(
        tablet_type=topodata_pb2.TabletType.Value(args.tablet_type.upper()),
        vgtid=parse_vgtid(args.vgtid, args.keyspace),
        filter=binlogdata_pb2.Filter(rules=[rule(r) for r in (args.rule or [])] or [binlogdata_pb2.Rule(match="/.*/")]),
        flags=vtgate_pb2.VStreamFlags(heartbeat_interval=args.heartbeat),
    )
    wanted = {t.strip().upper() for t in args.events.split(",") if t.strip()}
    vstream = channel.unary_stream(
        SERVICE + "VStream",
        request_serializer=vtgate_pb2.VStreamRequest.SerializeToString,
        response_deserializer=vtgate_pb2.VStreamResponse.FromString,
    )
    responses = vstream(request, metadata=metadata, timeout=args.timeout)
    seen = 0
    try:
        for response in responses:
            for event in response.events:
                if wanted and binlogdata_pb2.VEventType.Name(event.type) not in wanted:
                    continue
                print(json.dumps(json_format.MessageToDict(event), separators=(",", ":")), flush=True)
                seen += 1
                if (args.count and seen >= args.count) or (args.until and is_last(event, args.until)):
                    responses.cancel()
                    return
    except grpc.RpcError as error:
        if error.code() == grpc.StatusCode.DEADLINE_EXCEEDED and not args.count and not args.until:
            return  # ran for --timeout, as asked
        raise


def execute(channel, metadata, args):
    call = channel.unary_unary(
        SERVICE + "Execute",
        request_serializer=vtgate_pb2.ExecuteRequest.SerializeToString,
        response_deserializer=vtgate_pb2.ExecuteResponse.FromString,
    )
    response = call(
        vtgate_pb2.ExecuteRequest(
            query=query_pb2.BoundQuery(sql=args.sql),
            session=vtgate_pb2.Session(target_string=args.target, autocommit=True),
        ),
        metadata=metadata,
    )
    if response.HasField("error"):
        sys.exit(f"vtgate error: code = {vtrpc_pb2.Code.Name(response.error.code)} desc = {response.error.message}")
    rows = []
    for row in response.result.rows:
        values, offset = [], 0
        for length in row.lengths:
            if length < 0:  # -1 marks NULL
                values.append(None)
                continue
            values.append(row.values[offset:offset + length].decode("utf-8", "backslashreplace"))
            offset += length
        rows.append(values)
    print(json.dumps({"fields": [f.name for f in response.result.fields], "rows": rows}))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--addr", default="127.0.0.1:15991", help="gateway address (cleartext gRPC)")
    parser.add_argument("--user", help="static-auth user name ('username' metadata)")
    parser.add_argument("--password", default="", help="static-auth password ('password' metadata)")
    commands = parser.add_subparsers(dest="command", required=True)
    s = commands.add_parser("vstream", help="VStream, one VEvent per line as JSON")
    s.add_argument("--keyspace", default="")
    s.add_argument("--vgtid", default="current", help="'current', 'copy' or a VGtid in protobuf JSON")
    s.add_argument("--rule", action="append", help="'table', '/regexp/' or 'table=SELECT ...' (repeatable)")
    s.add_argument("--tablet-type", default="PRIMARY")
    s.add_argument("--heartbeat", type=int, default=0, help="heartbeat interval in seconds")
    s.add_argument("--events", default="", help="comma-separated event types to print (default: all)")
    s.add_argument("--count", type=int, default=0, help="stop after this many printed events")
    s.add_argument("--until", default="", help="stop after the first printed event of this type")
    s.add_argument("--timeout", type=float, default=None, help="seconds; an error if --count or --until was not reached")
    e = commands.add_parser("execute", help="Execute one statement")
    e.add_argument("--target", default="")
    e.add_argument("sql")
    args = parser.parse_args()

    metadata = (("username", args.user), ("password", args.password)) if args.user else None
    with grpc.insecure_channel(args.addr) as channel:
        try:
            (stream if args.command == "vstream" else execute)(channel, metadata, args)
        except grpc.RpcError as error:
            sys.exit(f"rpc error: code = {error.code().name} desc = {error.details()}")


if __name__ == "__main__":
    main()
