package didyoumean

import "testing"

func TestSuggest(t *testing.T) {
	keys := []string{"port", "protocol", "public", "replicas", "max_replicas", "health"}
	tests := []struct {
		name, given, want string
	}{
		{"transposition", "prot", "port"},
		{"one letter missing", "protocl", "protocol"},
		{"two edits long name", "replcas_", "replicas"},
		{"case ignored", "PUBLIC", "public"},
		{"too far", "banana", ""},
		{"short names need one edit", "hp", ""},
		{"exact match suggests nothing", "port", ""},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Suggest(tt.given, keys); got != tt.want {
				t.Errorf("Suggest(%q) = %q; want %q", tt.given, got, tt.want)
			}
		})
	}
}

func TestDistance(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"a", "", 1}, {"", "ab", 2}, {"kitten", "sitting", 3},
		{"ab", "ba", 1}, {"ca", "abc", 3}, {"héllo", "hello", 1},
	}
	for _, tt := range tests {
		if got := distance(tt.a, tt.b); got != tt.want {
			t.Errorf("distance(%q, %q) = %d; want %d", tt.a, tt.b, got, tt.want)
		}
	}
}
