package spec

import (
	"fmt"
	"maps"
	"net/netip"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/netwright/netwright/internal/diag"
	"github.com/netwright/netwright/internal/didyoumean"
)

// decoder walks a YAML node tree, collecting every problem instead of
// stopping at the first.
type decoder struct {
	file  string
	diags diag.Diagnostics
	// set records where each key the user wrote is, by dotted path
	// ("services.web.port"), so defaults can tell "absent" from "written as
	// the zero value" and later checks can point at the key.
	set map[string]*diag.Range
}

func (d *decoder) rng(n *yaml.Node) *diag.Range {
	if n == nil {
		return &diag.Range{Filename: d.file}
	}
	p := diag.Pos{Line: n.Line, Column: n.Column}
	return &diag.Range{Filename: d.file, Start: p, End: p}
}

func (d *decoder) errorAt(n *yaml.Node, summary, detail string) {
	d.diags = append(d.diags, diag.Diagnostic{Severity: diag.Error, Summary: summary, Detail: detail, Subject: d.rng(n)})
}

func (d *decoder) warnAt(n *yaml.Node, summary, detail string) {
	d.diags = append(d.diags, diag.Diagnostic{Severity: diag.Warning, Summary: summary, Detail: detail, Subject: d.rng(n)})
}

func (d *decoder) errorRange(r *diag.Range, summary, detail string) {
	d.diags = append(d.diags, diag.Diagnostic{Severity: diag.Error, Summary: summary, Detail: detail, Subject: r})
}

func (d *decoder) warnRange(r *diag.Range, summary, detail string) {
	d.diags = append(d.diags, diag.Diagnostic{Severity: diag.Warning, Summary: summary, Detail: detail, Subject: r})
}

// resolve follows aliases to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// describe names the YAML type of a node for "must be X, not Y" messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "empty"
		case "!!int":
			return "a number"
		case "!!float":
			return "a decimal number"
		case "!!bool":
			return "a boolean"
		}
		return fmt.Sprintf("the string %q", n.Value)
	}
	return "something else"
}

// field handles the value of one known key.
type field func(key, value *yaml.Node)

// mapping checks n is a mapping and hands each value to the handler for its
// key. Unknown and repeated keys are errors; an unknown key gets a "did you
// mean" when a known key is close. A null node is an empty mapping.
func (d *decoder) mapping(n *yaml.Node, path string, fields map[string]field) bool {
	n = resolve(n)
	if isNull(n) {
		return true
	}
	if n.Kind != yaml.MappingNode {
		d.errorAt(n, fmt.Sprintf("%s must be a mapping, not %s", path, describe(n)),
			"Write it as indented key: value lines.")
		return false
	}
	known := slices.Sorted(maps.Keys(fields))
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode {
			d.errorAt(k, fmt.Sprintf("%s has a key that is not a plain name", path), "Keys are plain names such as \"port\".")
			continue
		}
		if seen[k.Value] {
			d.errorAt(k, fmt.Sprintf("%s is written twice", join(path, k.Value)),
				"YAML keeps only one of them; remove the other.")
			continue
		}
		seen[k.Value] = true
		fn, ok := fields[k.Value]
		if !ok {
			d.unknownKey(k, path, known)
			continue
		}
		d.set[join(path, k.Value)] = d.rng(k)
		fn(k, v)
	}
	return true
}

func (d *decoder) unknownKey(k *yaml.Node, path string, known []string) {
	where := path
	if where == "" {
		where = "the spec"
	}
	detail := fmt.Sprintf("The keys allowed in %s are: %s.", where, strings.Join(known, ", "))
	if k.Value == "<<" {
		detail = "YAML merge keys are not supported; write the keys out. " + detail
	}
	if s := didyoumean.Suggest(k.Value, known); s != "" {
		detail = fmt.Sprintf("Did you mean %q? %s", s, detail)
	}
	d.errorAt(k, fmt.Sprintf("unknown key %q in %s", k.Value, where), detail)
}

// entries checks n is a mapping with user-chosen keys (service names,
// header names) and calls fn for each pair in the order written.
func (d *decoder) entries(n *yaml.Node, path string, fn func(key, value *yaml.Node)) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorAt(n, fmt.Sprintf("%s must be a mapping, not %s", path, describe(n)), "Write it as indented name: value lines.")
		return
	}
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k.Kind != yaml.ScalarNode || isNull(k) {
			d.errorAt(k, fmt.Sprintf("%s has a key that is not a plain name", path), "")
			continue
		}
		if seen[k.Value] {
			d.errorAt(k, fmt.Sprintf("%s is written twice", join(path, k.Value)), "YAML keeps only one of them; remove the other.")
			continue
		}
		seen[k.Value] = true
		d.set[join(path, k.Value)] = d.rng(k)
		fn(k, v)
	}
}

// list checks n is a sequence and calls fn for each item.
func (d *decoder) list(n *yaml.Node, path string, fn func(i int, item *yaml.Node)) {
	n = resolve(n)
	if isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		d.errorAt(n, fmt.Sprintf("%s must be a list, not %s", path, describe(n)), "Write it as [a, b] or as lines starting with \"- \".")
		return
	}
	for i, item := range n.Content {
		fn(i, resolve(item))
	}
}

func (d *decoder) str(n *yaml.Node, path string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorAt(n, fmt.Sprintf("%s must be a string, not %s", path, describe(n)), "")
		return "", false
	}
	if n.Tag != "!!str" {
		d.errorAt(n, fmt.Sprintf("%s must be a string, not %s", path, describe(n)),
			fmt.Sprintf("Quote it if you mean the text: \"%s\".", n.Value))
		return "", false
	}
	return n.Value, true
}

// text accepts any scalar as its text: header and query values such as
// true or 2 are strings to an ALB.
func (d *decoder) text(n *yaml.Node, path string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || isNull(n) {
		d.errorAt(n, fmt.Sprintf("%s must be a string, not %s", path, describe(n)), "")
		return "", false
	}
	return n.Value, true
}

func (d *decoder) integer(n *yaml.Node, path string, lo, hi int, what string) (int, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
		d.errorAt(n, fmt.Sprintf("%s must be a whole number, not %s", path, describe(n)), what)
		return 0, false
	}
	v, err := strconv.ParseInt(n.Value, 0, 64)
	if err != nil || v < int64(lo) || v > int64(hi) {
		d.errorAt(n, fmt.Sprintf("%s: %s is out of range", path, n.Value), what)
		return 0, false
	}
	return int(v), true
}

func (d *decoder) boolean(n *yaml.Node, path string) (bool, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
		d.errorAt(n, fmt.Sprintf("%s must be true or false, not %s", path, describe(n)), "Write true or false; YAML 1.2 reads yes, no, on and off as text.")
		return false, false
	}
	return n.Value == "true" || n.Value == "True" || n.Value == "TRUE", true
}

// enum reads a string that must be one of allowed.
func (d *decoder) enum(n *yaml.Node, path string, allowed ...string) (string, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return "", false
	}
	if slices.Contains(allowed, s) {
		return s, true
	}
	detail := "It must be one of: " + strings.Join(allowed, ", ") + "."
	if sug := didyoumean.Suggest(s, allowed); sug != "" {
		detail = fmt.Sprintf("Did you mean %q? %s", sug, detail)
	}
	d.errorAt(n, fmt.Sprintf("%s: unknown value %q", path, s), detail)
	return "", false
}

var daysRE = regexp.MustCompile(`^([0-9]+)d(.*)$`)

// ParseDuration reads a Go duration, with d for days allowed first:
// 500ms, 30s, 5m, 1h, 7d, 1d12h.
func ParseDuration(s string) (time.Duration, error) {
	var days time.Duration
	if m := daysRE.FindStringSubmatch(s); m != nil {
		n, err := strconv.Atoi(m[1])
		if err != nil || n > 100000 {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		days = time.Duration(n) * 24 * time.Hour
		if m[2] == "" {
			return days, nil
		}
		s = m[2]
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	if v < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return days + v, nil
}

// FormatDuration writes a duration the way the spec accepts it, with days
// for whole days: 30s, 5m0s, 7d.
func FormatDuration(v time.Duration) string {
	day := 24 * time.Hour
	if v >= day && v%day == 0 {
		return strconv.FormatInt(int64(v/day), 10) + "d"
	}
	return v.String()
}

func (d *decoder) duration(n *yaml.Node, path string, lo, hi time.Duration) (time.Duration, bool) {
	n = resolve(n)
	rangeText := fmt.Sprintf("It must be from %s to %s.", FormatDuration(lo), FormatDuration(hi))
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		detail := "Write a duration with its unit, such as 500ms, 30s, 5m, 1h or 7d. " + rangeText
		if n.Tag == "!!int" {
			detail = fmt.Sprintf("Add a unit: %ss for seconds. %s", n.Value, rangeText)
		}
		d.errorAt(n, fmt.Sprintf("%s must be a duration, not %s", path, describe(n)), detail)
		return 0, false
	}
	v, err := ParseDuration(n.Value)
	if err != nil {
		d.errorAt(n, fmt.Sprintf("%s: %q is not a duration", path, n.Value),
			"Write a duration with its unit, such as 500ms, 30s, 5m, 1h or 7d. "+rangeText)
		return 0, false
	}
	if v < lo || v > hi {
		d.errorAt(n, fmt.Sprintf("%s: %s is out of range", path, n.Value), rangeText)
		return 0, false
	}
	return v, true
}

// prefix reads a CIDR block that must be written in canonical form.
func (d *decoder) prefix(n *yaml.Node, path string) (netip.Prefix, bool) {
	s, ok := d.str(n, path)
	if !ok {
		return netip.Prefix{}, false
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		if a, aerr := netip.ParseAddr(s); aerr == nil {
			d.errorAt(n, fmt.Sprintf("%s: %q has no prefix length", path, s),
				fmt.Sprintf("Write a CIDR block, such as %s/%d for the one address.", a, a.BitLen()))
			return netip.Prefix{}, false
		}
		d.errorAt(n, fmt.Sprintf("%s: %q is not a CIDR block", path, s), "Write it as address/length, such as 10.0.0.0/16.")
		return netip.Prefix{}, false
	}
	if p.Masked() != p {
		d.errorAt(n, fmt.Sprintf("%s: %s has host bits set", path, s),
			fmt.Sprintf("Did you mean %s? The address of a CIDR block must be its first address.", p.Masked()))
		return netip.Prefix{}, false
	}
	return p, true
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

var dnsLabelRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,30}$`)

// label reads a name that must be a DNS label: [a-z][a-z0-9-]{0,30},
// not ending in a hyphen.
func (d *decoder) label(n *yaml.Node, s, path string) bool {
	valid := func(s string) bool { return dnsLabelRE.MatchString(s) && !strings.HasSuffix(s, "-") }
	if !valid(s) {
		detail := "Names are DNS labels: a lowercase letter, then up to 30 lowercase letters, digits or hyphens, not ending in a hyphen."
		if low := strings.ToLower(s); low != s && valid(low) {
			detail = fmt.Sprintf("Did you mean %q? %s", low, detail)
		}
		d.errorAt(n, fmt.Sprintf("%s: %q is not a valid name", path, s), detail)
		return false
	}
	return true
}

var hostnameRE = regexp.MustCompile(`^(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?))*$`)

// isHostname reports whether s is a DNS name of labels joined by dots.
func isHostname(s string) bool {
	return len(s) <= 253 && hostnameRE.MatchString(s)
}

// at returns where the key at path is, or the first of the fallbacks that
// was written, or the start of the file.
func (d *decoder) at(paths ...string) *diag.Range {
	for _, p := range paths {
		if r := d.set[p]; r != nil {
			return r
		}
	}
	return &diag.Range{Filename: d.file, Start: diag.Pos{Line: 1, Column: 1}, End: diag.Pos{Line: 1, Column: 1}}
}
