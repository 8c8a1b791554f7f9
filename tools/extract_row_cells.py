#!/usr/bin/env python3
"""Offline helper: walk a MySQL/MariaDB binlog file, decode TABLE_MAP (incl. optional metadata) and
WRITE_ROWS v1/v2 events, and print every cell as JSON (table, column, type, metadata, unsigned,
collation, enum/set values, cell hex including its length prefix). Used to build the hex fixtures in
tests/VGate.MySql.Tests/Binlog/Rows/. Not used at build or test time.

usage: extract_row_cells.py BINLOG [--table NAME] > cells.json
"""
import json, struct, sys

NUMERIC = {1, 2, 3, 8, 9, 4, 5, 246}
CHARACTER = {15, 253, 254, 249, 250, 251, 252, 242}
BLOBS = {249, 250, 251, 252, 245, 255, 242}

def lenenc(b, p):
    f = b[p]
    if f < 0xfb: return f, p + 1
    if f == 0xfc: return struct.unpack_from('<H', b, p + 1)[0], p + 3
    if f == 0xfd: return int.from_bytes(b[p + 1:p + 4], 'little'), p + 4
    return struct.unpack_from('<Q', b, p + 1)[0], p + 9

def meta_size(t):
    if t in (4, 5, 17, 18, 19) or t in BLOBS: return 1
    if t in (15, 253, 16, 246, 254, 247, 248): return 2
    return 0

def real_type(t, m):
    if t == 254 and m != 0:
        rt = (m & 0xff) | 0x30
        if rt in (247, 248): return rt
    return t

def dec_len(prec, scale):
    d2b = [0, 1, 1, 2, 2, 3, 3, 4, 4, 4]
    i = prec - scale
    return (i // 9) * 4 + d2b[i % 9] + (scale // 9) * 4 + d2b[scale % 9]

def cell_len(t, m, b, p):
    if t in (1, 13): return 1
    if t == 2: return 2
    if t in (9, 10, 11, 14): return 3
    if t in (3, 4, 7): return 4
    if t in (8, 5, 12): return 8
    if t == 19: return 3 + (m + 1) // 2
    if t == 18: return 5 + (m + 1) // 2
    if t == 17: return 4 + (m + 1) // 2
    if t == 246: return dec_len(m & 0xff, m >> 8)
    if t == 16: return (m >> 8) + (1 if (m & 0xff) else 0)
    if t in (15, 253): return (2 + struct.unpack_from('<H', b, p)[0]) if m > 255 else 1 + b[p]
    if t in (247, 248): return m >> 8
    if t == 254:
        b0, b1 = m & 0xff, m >> 8
        if (b0 | 0x30) in (247, 248): return b1
        mx = (((b0 & 0x30) ^ 0x30) << 4) | b1
        return (2 + struct.unpack_from('<H', b, p)[0]) if mx > 255 else 1 + b[p]
    if t in BLOBS: return m + int.from_bytes(b[p:p + m], 'little')
    raise ValueError('type %d' % t)

def parse_table_map(body, post):
    p = post
    db_len = body[p]; db = body[p + 1:p + 1 + db_len].decode(); p += db_len + 2
    tl = body[p]; tbl = body[p + 1:p + 1 + tl].decode(); p += tl + 2
    n, p = lenenc(body, p)
    types = list(body[p:p + n]); p += n
    ml, p = lenenc(body, p); mend = p + ml
    metas = []
    for t in types:
        s = meta_size(t)
        metas.append(int.from_bytes(body[p:p + s], 'little') if s else 0); p += s
    p = mend
    p += (n + 7) // 8
    cols = [dict(type=types[i], wire=types[i], meta=metas[i], unsigned=False, collation=0, name=None, enum=None, set=None) for i in range(n)]
    for c in cols: c['type'] = real_type(c['wire'], c['meta'])
    numeric = [c for c in cols if c['type'] in NUMERIC]
    character = [c for c in cols if c['type'] in CHARACTER]
    enums = [c for c in cols if c['type'] == 247]
    sets = [c for c in cols if c['type'] == 248]
    while p < len(body):
        ft = body[p]; fl, p = lenenc(body, p + 1); v = body[p:p + fl]; p += fl
        if ft == 1:
            for i, c in enumerate(numeric): c['unsigned'] = bool(v[i // 8] & (0x80 >> (i % 8)))
        elif ft == 2:
            q = 0; dflt, q = lenenc(v, q)
            for c in character: c['collation'] = dflt
            while q < len(v):
                idx, q = lenenc(v, q); coll, q = lenenc(v, q); character[idx]['collation'] = coll
        elif ft == 3:
            q = 0
            for c in character: c['collation'], q = lenenc(v, q)
        elif ft == 4:
            q = 0
            for c in cols:
                l, q = lenenc(v, q); c['name'] = v[q:q + l].decode(); q += l
        elif ft in (5, 6):
            q = 0
            for c in (sets if ft == 5 else enums):
                cnt, q = lenenc(v, q); vals = []
                for _ in range(cnt):
                    l, q = lenenc(v, q); vals.append(v[q:q + l].hex()); q += l
                c['set' if ft == 5 else 'enum'] = vals
    return db, tbl, cols

def main():
    data = open(sys.argv[1], 'rb').read()
    only = sys.argv[3] if len(sys.argv) > 3 and sys.argv[2] == '--table' else None
    assert data[:4] == b'\xfebin'
    pos = 4; tables = {}; checksum = 0; post = {}; out = []
    while pos + 19 <= len(data):
        ts, typ, sid, size, nxt, flags = struct.unpack_from('<IBIIIH', data, pos)
        ev = data[pos:pos + size]; pos += size
        if typ == 15:
            hdr = ev[19 + 2 + 50 + 4]
            sizes = ev[19 + 2 + 50 + 4 + 1:]
            alg_present = True
            checksum = 4 if sizes[-5] == 1 else 0
            post = {i + 1: sizes[i] for i in range(len(sizes) - 5)}
            continue
        body = ev[19:size - checksum]
        if typ == 19:
            tid = int.from_bytes(body[0:6], 'little')
            tables[tid] = parse_table_map(body, post.get(19, 8))
        elif typ in (23, 30):
            tid = int.from_bytes(body[0:6], 'little')
            p = 8
            if typ == 30:  # v2: extra-data length (counting its own 2 bytes) follows table id + flags
                el = struct.unpack_from('<H', body, p)[0]; p += el
            db, tbl, cols = tables[tid]
            if only and tbl != only: continue
            n, p = lenenc(body, p)
            present = body[p:p + (n + 7) // 8]; p += (n + 7) // 8
            idxs = [i for i in range(n) if present[i // 8] & (1 << (i % 8))]
            while p < len(body):
                nb = body[p:p + (len(idxs) + 7) // 8]; p += (len(idxs) + 7) // 8
                row = []
                for k, i in enumerate(idxs):
                    if nb[k // 8] & (1 << (k % 8)):
                        row.append(None); continue
                    c = cols[i]; l = cell_len(c['type'], c['meta'], body, p)
                    row.append(body[p:p + l].hex()); p += l
                out.append(dict(db=db, table=tbl, columns=cols, cells=row))
    json.dump(out, sys.stdout, indent=1)

main()
