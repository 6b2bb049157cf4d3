package spec

import "testing"

// TestDecodeKeepsASpecWithErrors: Decode returns what decoded beside the
// errors, marking the ingress rules that lost a key, while Parse returns
// no spec for the same file.
func TestDecodeKeepsASpecWithErrors(t *testing.T) {
	src := []byte(`version: 1
app: shop
services:
  web: {port: 8080, public: true}
  api: {port: 9090, public: true}
ingress:
  - path: /a/*
    to: api
  - path: no-slash
    to: api
  - path: /b
    methods: [get]
    to: web
  - to: web
`)
	if s, ds := Parse("s.yaml", src); s != nil || !ds.HasErrors() {
		t.Fatalf("Parse = %v, %v; want no spec and errors", s != nil, ds)
	}
	s, ds := Decode("s.yaml", src)
	if s == nil || !ds.HasErrors() {
		t.Fatalf("Decode = %v, %v; want a spec and errors", s != nil, ds)
	}
	var got []bool
	for _, r := range s.Ingress {
		got = append(got, r.Incomplete)
	}
	want := []bool{false, true, true, false}
	if len(got) != len(want) {
		t.Fatalf("Decode kept %d ingress rules; want %d", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("ingress[%d].Incomplete = %v; want %v", i, got[i], want[i])
		}
	}
	if s.Ingress[2].Path != "/b" {
		t.Errorf("ingress[2].Path = %q; want the key that decoded kept", s.Ingress[2].Path)
	}
	for _, bad := range []string{"", "version: [1", "a: 1\n---\nb: 2\n"} {
		if s, _ := Decode("s.yaml", []byte(bad)); s != nil {
			t.Errorf("Decode(%q) returned a spec; want none without a document", bad)
		}
	}
}
