// Generator for UnicodeLooseWeights.bin (the collation data VGate's unicode_loose_md5 /
// unicode_loose_xxhash vindexes use) and the unicode_loose test vectors.
//
// Vitess's unicode_loose_md5 / unicode_loose_xxhash hash the primary collation weights that
// golang.org/x/text/collate (CLDR 23 / Unicode 6.2.0 root order; Vitess keeps a trimmed copy of the
// package in go/mysql/collations/vindex) produces for collate.New(language.English, collate.Loose).
// This program asks that library, for every code point U+0000..U+10FFFF and for every contraction
// in its table, for the collation elements (primary weight and canonical combining class of each),
// and writes out only what the C# side cannot compute itself:
//
//   - every code point whose elements are not the implicit weight (code points the table lacks get
//     one element whose primary is derived from the code point; see implicitPrimary), except the
//     precomposed Hangul syllables, which the collator decomposes into jamo;
//   - every contraction (a sequence of code points with elements of its own, e.g. "L·", Thai
//     prevowel + consonant, Cyrillic и + U+0306);
//   - the canonical combining class (first and last, as in NFD) of every code point that has one,
//     which the collator's discontiguous contraction matching and element reordering read.
//
// The table lacks the table's private collation-element encoding: the C# side replays the
// collator's iteration (colltab.Iter.Next, Table.appendNext, matchContraction) over these elements.
// It reads the collator's private table with reflect, because x/text has no public API for it.
//
// Checked with Debian bookworm's Go 1.19 and x/text 0.7.0; keys for Vitess's own golden inputs
// (go/vt/vtgate/vindexes/testdata/unicode_hash_golden.json) match. Go 1.19 knows Unicode 13, the Go
// Vitess builds with Unicode 15: the implicit weights of code points the two disagree on are not
// stored but computed by the C# side with Unicode 15's Ideographic property, and the vectors avoid them.
//
// Run (Debian: apt-get install golang-go golang-golang-x-text-dev):
//
//	GOPATH=/usr/share/gocode GO111MODULE=off go run main.go weights ../../src/VGate.VStreamer/Vindexes/UnicodeLooseWeights.bin
//	GOPATH=/usr/share/gocode GO111MODULE=off go run main.go vectors > ../../tests/VGate.VStreamer.Tests/Vindexes/UnicodeLooseVectors.g.cs
package main

import (
	"bufio"
	"bytes"
	"crypto/md5"
	"fmt"
	"math/rand"
	"os"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
	"golang.org/x/text/unicode/norm"
)

var (
	col = collate.New(language.English, collate.Loose)
	buf = new(collate.Buffer)
	// The collator's private table (a *colltab.Table behind the colltab.Weighter interface).
	weighter = func() reflect.Value {
		f := reflect.ValueOf(col).Elem().FieldByName("t")
		return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
	}()
	appendNext = weighter.MethodByName("AppendNextString")
	table      = weighter.Elem().Elem()
	trie       = table.FieldByName("Index")
)

type elem struct{ primary, ccc int }

func key(s string) []byte { buf.Reset(); return append([]byte(nil), col.KeyFromString(buf, s)...) }

// elems returns the collation elements of the first token of s and the bytes it consumed.
func elems(s string) ([]elem, int) {
	out := appendNext.Call([]reflect.Value{reflect.Zero(appendNext.Type().In(0)), reflect.ValueOf(s)})
	var es []elem
	for i := 0; i < out[0].Len(); i++ {
		e := out[0].Index(i)
		es = append(es, elem{int(e.MethodByName("Primary").Call(nil)[0].Int()), int(e.MethodByName("CCC").Call(nil)[0].Uint())})
	}
	return es, int(out[1].Int())
}

func primaries(es []elem) []byte {
	var k []byte
	for _, e := range es {
		if p := e.primary; p > 0x7FFF {
			k = append(k, byte(p>>16)|0x80, byte(p>>8), byte(p))
		} else if p > 0 {
			k = append(k, byte(p>>8), byte(p))
		}
	}
	return k
}

// implicitPrimary is colltab's weight for a code point the table lacks (collelem.go).
func implicitPrimary(r rune) int {
	if unicode.Is(unicode.Ideographic, r) {
		if r >= 0x4E00 && r <= 0x9FFF || r >= 0xF900 && r <= 0xFAFF {
			return int(r) + 0x10000
		}
		return int(r) + 0x20000
	}
	return int(r) + 0x50000
}

func u(v reflect.Value, name string, i int) int { return int(v.FieldByName(name).Index(i).Uint()) }

// rawElem is the trie value for the UTF-8 bytes of one code point (colltab.Trie.lookup).
func rawElem(s []byte) uint32 {
	if s[0] < 0x80 {
		return uint32(u(trie, "Values0", int(s[0])))
	}
	i := u(trie, "Index0", int(s[0]))
	for k := 1; k < len(s)-1; k++ {
		i = u(trie, "Index", i<<6+int(s[k]))
	}
	return uint32(u(trie, "Values", i<<6+int(s[len(s)-1])))
}

// contractions walks the contraction trie of every contraction starter (contract.go) and returns
// every complete contraction.
func contractions() []string {
	tries := table.FieldByName("ContractTries")
	node := func(i int) (l, h, n, idx int) {
		e := tries.Index(i)
		return int(e.Field(0).Uint()), int(e.Field(1).Uint()), int(e.Field(2).Uint()), int(e.Field(3).Uint())
	}
	var found []string
	var walk func(prefix string, base, n int)
	walk = func(prefix string, base, n int) {
		for i := 0; i < n; i++ {
			l, h, next, idx := node(base + i)
			if next != 0 {
				s := prefix + string([]byte{byte(l)})
				if idx != 0xFF {
					found = append(found, s)
				}
				walk(s, base+h+n, next)
			} else {
				for c := l; c <= h; c++ {
					found = append(found, prefix+string([]byte{byte(c)}))
				}
			}
		}
	}
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		if ce := rawElem([]byte(string(r))); ce > 0xAFFFFFFF && ce <= 0xDFFFFFFF {
			walk(string(r), int(ce>>4)&0xFFF, int(ce&0xF))
		}
	}
	sort.Strings(found)
	for _, c := range found {
		if !utf8.ValidString(c) {
			panic(fmt.Sprintf("contraction %+q is not UTF-8", c))
		}
	}
	return found
}

type writer struct{ bytes.Buffer }

func (w *writer) uvarint(v int) {
	if v < 0 {
		panic("negative")
	}
	for v >= 0x80 {
		w.WriteByte(byte(v) | 0x80)
		v >>= 7
	}
	w.WriteByte(byte(v))
}

func (w *writer) elems(es []elem) {
	w.uvarint(len(es))
	for _, e := range es {
		w.uvarint(e.primary)
		w.WriteByte(byte(e.ccc))
	}
}

func same(a, b []elem) bool { return reflect.DeepEqual(a, b) }

func hangulJamo(r rune) []rune {
	s := int(r - 0xAC00)
	l, v, t := 0x1100+s/588, 0x1161+(s%588)/28, 0x11A7+s%28
	if t == 0x11A7 {
		return []rune{rune(l), rune(v)}
	}
	return []rune{rune(l), rune(v), rune(t)}
}

// emitWeights writes the data file: "VGUL" 1, then code points, contractions and combining classes,
// each as a count followed by entries (unsigned LEB128 varints; code points delta-coded).
func emitWeights(path string) {
	var w writer
	w.WriteString("VGUL")
	w.WriteByte(1)

	type entry struct {
		cp rune
		es []elem
	}
	var entries []entry
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		s := string(r)
		es, n := elems(s)
		if n != len(s) {
			panic(fmt.Sprintf("U+%04X: consumed %d of %d bytes", r, n, len(s)))
		}
		if !bytes.Equal(primaries(es), key(s)) {
			panic(fmt.Sprintf("U+%04X: elements do not give the key", r))
		}
		if r >= 0xAC00 && r <= 0xD7A3 {
			var want []elem
			for _, j := range hangulJamo(r) {
				je, _ := elems(string(j))
				want = append(want, je...)
			}
			if !same(es, want) {
				panic(fmt.Sprintf("U+%04X: Hangul syllable is not its jamo", r))
			}
			continue
		}
		if len(es) == 1 && es[0] == (elem{implicitPrimary(r), 0}) {
			continue
		}
		entries = append(entries, entry{r, es})
	}
	w.uvarint(len(entries))
	prev := rune(-1)
	for _, e := range entries {
		w.uvarint(int(e.cp - prev))
		prev = e.cp
		w.elems(e.es)
	}

	cs := contractions()
	w.uvarint(len(cs))
	for _, c := range cs {
		es, n := elems(c)
		if n != len(c) {
			panic(fmt.Sprintf("contraction %+q: consumed %d of %d bytes", c, n, len(c)))
		}
		rs := []rune(c)
		w.uvarint(len(rs))
		for _, r := range rs {
			w.uvarint(int(r))
		}
		w.elems(es)
	}

	type class struct {
		cp          rune
		lead, trail int
	}
	var classes []class
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		p := norm.NFD.PropertiesString(string(r))
		if p.LeadCCC() != 0 || p.TrailCCC() != 0 {
			classes = append(classes, class{r, int(p.LeadCCC()), int(p.TrailCCC())})
		}
	}
	w.uvarint(len(classes))
	prev = -1
	for _, c := range classes {
		w.uvarint(int(c.cp - prev))
		prev = c.cp
		w.WriteByte(byte(c.lead))
		w.WriteByte(byte(c.trail))
	}
	if err := os.WriteFile(path, w.Bytes(), 0o644); err != nil {
		panic(err)
	}
	fmt.Fprintf(os.Stderr, "%d code points, %d contractions, %d combining classes, %d bytes\n", len(entries), len(cs), len(classes), w.Len())
}

func csharpString(s string) string {
	var sb strings.Builder
	sb.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"' || r == '\\':
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r >= 0x20 && r < 0x7F:
			sb.WriteRune(r)
		case r > 0xFFFF:
			fmt.Fprintf(&sb, "\\U%08X", r)
		default:
			fmt.Fprintf(&sb, "\\u%04X", r)
		}
	}
	sb.WriteByte('"')
	return sb.String()
}

// A character class the vectors draw from.
type pool struct {
	name  string
	runes []rune
}

func span(first, last rune) []rune {
	var rs []rune
	for r := first; r <= last; r++ {
		if utf8.ValidRune(r) {
			rs = append(rs, r)
		}
	}
	return rs
}

// stable reports whether Go 1.19's Unicode 13 and the Unicode 15 of the Go that Vitess is built with
// agree on the code point (assigned in Unicode 13, or not Ideographic in either); the vectors avoid
// the few code points whose implicit weight changed between the two.
func stable(r rune) bool {
	return unicode.Is(unicode.Ideographic, r) || !(r >= 0x9FFD && r <= 0x9FFF || r >= 0x2A6DE && r <= 0x2A6DF ||
		r >= 0x2B735 && r <= 0x2B739 || r >= 0x31350 && r <= 0x323AF)
}

func emitVectors(w *bufio.Writer) {
	var combining, starters []rune
	for r := rune(0); r <= 0xFFFF; r++ {
		if utf8.ValidRune(r) && norm.NFD.PropertiesString(string(r)).LeadCCC() != 0 {
			combining = append(combining, r)
		}
	}
	seen := map[rune]bool{}
	var contractionText []string
	for _, c := range contractions() {
		contractionText = append(contractionText, c)
		if r, _ := utf8.DecodeRuneInString(c); !seen[r] {
			seen[r] = true
			starters = append(starters, r)
		}
	}
	pools := []pool{
		{"latin", span(0x20, 0x24F)},
		{"greek-cyrillic", span(0x370, 0x52F)},
		{"combining", combining},
		{"contraction-starter", starters},
		{"arabic-hebrew", append(span(0x590, 0x6FF), span(0xFB1D, 0xFDFF)...)},
		{"indic-thai", span(0x900, 0xEFF)},
		{"cjk", append(append(span(0x3000, 0x9FFC), span(0xF900, 0xFAFF)...), span(0x20000, 0x2A6DD)...)},
		{"hangul", append(span(0x1100, 0x11FF), span(0xAC00, 0xD7A3)...)},
		{"kana-fullwidth", append(span(0x3040, 0x30FF), span(0xFF00, 0xFFEF)...)},
		{"emoji-symbols", append(span(0x2190, 0x2BFF), span(0x1F000, 0x1FAFF)...)},
		{"supplementary", span(0x10000, 0x10FFFF)},
		{"any-bmp", span(0, 0xFFFF)},
	}
	r := rand.New(rand.NewSource(20261207))
	fmt.Fprintln(w, "// <auto-generated/>")
	fmt.Fprintln(w, "// Generated by tools/UnicodeLooseWeightsGenerator/main.go (vectors) from golang.org/x/text/collate,")
	fmt.Fprintln(w, "// English, collate.Loose: class, input, primary-weight key (hex), MD5 of the key (hex).")
	fmt.Fprintln(w, "namespace VGate.VStreamer.Tests.Vindexes;")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "internal static class UnicodeLooseVectors")
	fmt.Fprintln(w, "{")
	fmt.Fprintln(w, "    public static readonly (string Class, string Input, string Key, string Md5)[] Cases =")
	fmt.Fprintln(w, "    [")
	emit := func(class, s string) {
		k := key(strings.TrimRight(s, " "))
		fmt.Fprintf(w, "        (\"%s\", %s, \"%x\", \"%x\"),\n", class, csharpString(s), k, md5.Sum(k))
	}
	for _, p := range pools {
		for i := 0; i < 150; i++ {
			n := 1 + r.Intn(8)
			var sb strings.Builder
			for j := 0; j < n; j++ {
				var c rune
				switch q := r.Intn(100); {
				case q < 55:
					c = p.runes[r.Intn(len(p.runes))]
				case q < 70:
					c = combining[r.Intn(len(combining))]
				case q < 80:
					sb.WriteString(contractionText[r.Intn(len(contractionText))])
					continue
				default:
					c = rune('a' + r.Intn(26))
				}
				if !stable(c) {
					c = 'x'
				}
				sb.WriteRune(c)
			}
			emit(p.name, sb.String())
		}
	}
	// Every contraction alone, and followed by a combining mark (discontiguous matching).
	for _, c := range contractionText {
		emit("contraction", c)
		rs := []rune(c)
		emit("contraction-gap", string(rs[:len(rs)-1])+string(combining[r.Intn(len(combining))])+string(rs[len(rs)-1]))
	}
	fmt.Fprintln(w, "    ];")
	fmt.Fprintln(w, "}")
}

func main() {
	switch {
	case len(os.Args) == 3 && os.Args[1] == "weights":
		emitWeights(os.Args[2])
	case len(os.Args) == 2 && os.Args[1] == "vectors":
		w := bufio.NewWriter(os.Stdout)
		defer w.Flush()
		emitVectors(w)
	default:
		fmt.Fprintln(os.Stderr, "usage: main.go weights <out.bin> | vectors")
		os.Exit(2)
	}
}
