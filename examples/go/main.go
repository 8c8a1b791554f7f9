// Command vgate-go-client is a small VTGate client written the way users of Vitess's Go protos write theirs: it
// talks to VGate (or to vtgate) over gRPC with stubs generated from proto/*.proto by protoc-gen-go and
// protoc-gen-go-grpc, and nothing VGate-specific.
//
//	vgate-go-client [-addr host:port] [-user name -password secret] vstream [flags]
//	vgate-go-client [-addr host:port] [-user name -password secret] execute [-target ks] SQL
//
// vstream prints one VEvent per line as protobuf JSON; execute prints the result as one JSON object. A gRPC error
// is printed on stderr as grpc-go formats it ("rpc error: code = InvalidArgument desc = ...") and exits with 1.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"google.golang.org/grpc"
	"google.golang.org/grpc/metadata"
	"google.golang.org/protobuf/encoding/protojson"

	binlogdatapb "vitess.io/vitess/go/vt/proto/binlogdata"
	querypb "vitess.io/vitess/go/vt/proto/query"
	topodatapb "vitess.io/vitess/go/vt/proto/topodata"
	vtgatepb "vitess.io/vitess/go/vt/proto/vtgate"
	vtgateservicepb "vitess.io/vitess/go/vt/proto/vtgateservice"
)

func main() {
	global := flag.NewFlagSet("vgate-go-client", flag.ExitOnError)
	addr := global.String("addr", "127.0.0.1:15991", "gateway address (cleartext gRPC)")
	user := global.String("user", "", "static-auth user name, sent as the 'username' metadata")
	password := global.String("password", "", "static-auth password, sent as the 'password' metadata")
	global.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: vgate-go-client [-addr host:port] [-user u -password p] vstream|execute [flags]")
		global.PrintDefaults()
	}
	_ = global.Parse(os.Args[1:])
	if global.NArg() == 0 {
		global.Usage()
		os.Exit(2)
	}

	conn, err := grpc.Dial(*addr, grpc.WithInsecure())
	if err != nil {
		fail(err)
	}
	defer conn.Close()
	client := vtgateservicepb.NewVitessClient(conn)
	ctx := context.Background()
	if *user != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "username", *user, "password", *password)
	}

	command, args := global.Arg(0), global.Args()[1:]
	switch command {
	case "vstream":
		err = vstream(ctx, client, args)
	case "execute":
		err = execute(ctx, client, args)
	default:
		err = fmt.Errorf("unknown command %q: want vstream or execute", command)
	}
	if err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// rules collects repeated -rule flags: "table" streams every column of a table ("select * from table"), "/regexp/"
// every column of the tables it matches, "table=SELECT ..." what the query selects.
type rules []*binlogdatapb.Rule

func (r *rules) String() string { return fmt.Sprint(len(*r), " rules") }

func (r *rules) Set(value string) error {
	match, filter, _ := strings.Cut(value, "=")
	if match == "" {
		return errors.New("a rule needs a table name or /regexp/ before '='")
	}
	if filter == "" && !strings.HasPrefix(match, "/") {
		// As in Vitess, a rule naming one table must carry a query ("" is a SQL syntax error); a /regexp/ needs none.
		filter = "select * from " + match
	}
	*r = append(*r, &binlogdatapb.Rule{Match: match, Filter: filter})
	return nil
}

func vstream(ctx context.Context, client vtgateservicepb.VitessClient, args []string) error {
	fs := flag.NewFlagSet("vstream", flag.ExitOnError)
	keyspace := fs.String("keyspace", "", "keyspace to stream (with -vgtid current or copy)")
	vgtidText := fs.String("vgtid", "current", "where to start: 'current', 'copy' (copy the filtered tables, then follow), or a VGtid in protobuf JSON")
	tabletType := fs.String("tablet-type", "PRIMARY", "tablet type to stream from")
	heartbeat := fs.Uint("heartbeat", 0, "heartbeat interval in seconds (0: none)")
	count := fs.Int("count", 0, "stop after this many printed events (0: no limit)")
	until := fs.String("until", "", "stop after the first printed event of this type; COPY_COMPLETED waits for the one that ends the copy of every shard")
	types := fs.String("events", "", "comma-separated event types to print (default: all)")
	timeout := fs.Duration("timeout", 0, "give up after this long (0: never); an error if -count or -until was not reached")
	var filter rules
	fs.Var(&filter, "rule", "filter rule: 'table', '/regexp/' or 'table=SELECT ...' (repeatable; default: every table)")
	_ = fs.Parse(args)

	vgtid, err := parseVGtid(*vgtidText, *keyspace)
	if err != nil {
		return err
	}
	if len(filter) == 0 {
		filter = rules{{Match: "/.*/"}}
	}
	tablet, ok := topodatapb.TabletType_value[strings.ToUpper(*tabletType)]
	if !ok {
		return fmt.Errorf("unknown tablet type %q", *tabletType)
	}
	printed := map[string]bool{}
	for _, t := range strings.Split(*types, ",") {
		if t = strings.TrimSpace(t); t != "" {
			printed[strings.ToUpper(t)] = true
		}
	}

	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	stream, err := client.VStream(ctx, &vtgatepb.VStreamRequest{
		TabletType: topodatapb.TabletType(tablet),
		Vgtid:      vgtid,
		Filter:     &binlogdatapb.Filter{Rules: filter},
		Flags:      &vtgatepb.VStreamFlags{HeartbeatInterval: uint32(*heartbeat)},
	})
	if err != nil {
		return err
	}
	out := json.NewEncoder(os.Stdout)
	seen := 0
	for {
		response, err := stream.Recv()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if ctx.Err() == context.DeadlineExceeded && *count == 0 && *until == "" {
				return nil // ran for -timeout, as asked
			}
			return fmt.Errorf("after %d events: %w", seen, err)
		}
		for _, event := range response.Events {
			name := event.Type.String()
			if len(printed) > 0 && !printed[name] {
				continue
			}
			line, err := protojson.Marshal(event)
			if err != nil {
				return err
			}
			// protojson's spacing is deliberately unstable; re-encode so every event is one compact line.
			if err := out.Encode(json.RawMessage(line)); err != nil {
				return err
			}
			seen++
			if (*count > 0 && seen >= *count) || isLast(event, *until) {
				return nil
			}
		}
	}
}

// isLast tells whether event is the one -until waits for. Each shard sends a COPY_COMPLETED with its keyspace and
// shard when its copy ends; the one without them says every shard is done.
func isLast(event *binlogdatapb.VEvent, until string) bool {
	if event.Type.String() != strings.ToUpper(until) {
		return false
	}
	return event.Type != binlogdatapb.VEventType_COPY_COMPLETED || event.Keyspace == ""
}

func parseVGtid(text, keyspace string) (*binlogdatapb.VGtid, error) {
	switch text {
	case "current", "copy":
		if keyspace == "" {
			return nil, fmt.Errorf("-vgtid %s needs -keyspace", text)
		}
		gtid := "current"
		if text == "copy" {
			gtid = "" // an empty position asks for a copy of the filtered tables first
		}
		return &binlogdatapb.VGtid{ShardGtids: []*binlogdatapb.ShardGtid{{Keyspace: keyspace, Gtid: gtid}}}, nil
	}
	vgtid := &binlogdatapb.VGtid{}
	if err := protojson.Unmarshal([]byte(text), vgtid); err != nil {
		return nil, fmt.Errorf("-vgtid is not 'current', 'copy' or a VGtid in JSON: %w", err)
	}
	return vgtid, nil
}

func execute(ctx context.Context, client vtgateservicepb.VitessClient, args []string) error {
	fs := flag.NewFlagSet("execute", flag.ExitOnError)
	target := fs.String("target", "", "session target: 'keyspace', 'keyspace:shard' or with '@primary'")
	_ = fs.Parse(args)
	if fs.NArg() != 1 {
		return errors.New("execute takes exactly one SQL statement")
	}
	response, err := client.Execute(ctx, &vtgatepb.ExecuteRequest{
		Query:   &querypb.BoundQuery{Sql: fs.Arg(0)},
		Session: &vtgatepb.Session{TargetString: *target, Autocommit: true},
	})
	if err != nil {
		return err
	}
	if response.Error != nil {
		return fmt.Errorf("vtgate error: code = %s desc = %s", response.Error.Code, response.Error.Message)
	}
	return json.NewEncoder(os.Stdout).Encode(table(response.Result))
}

// table is a query result as plain JSON: column names and rows of strings (null for SQL NULL).
func table(result *querypb.QueryResult) map[string]interface{} {
	fields := make([]string, len(result.Fields))
	for i, field := range result.Fields {
		fields[i] = field.Name
	}
	rows := make([][]*string, len(result.Rows))
	for i, row := range result.Rows {
		offset := int64(0)
		for _, length := range row.Lengths {
			if length < 0 { // -1 marks NULL
				rows[i] = append(rows[i], nil)
				continue
			}
			value := string(row.Values[offset : offset+length])
			rows[i] = append(rows[i], &value)
			offset += length
		}
	}
	return map[string]interface{}{"fields": fields, "rows": rows, "rowsAffected": result.RowsAffected}
}
