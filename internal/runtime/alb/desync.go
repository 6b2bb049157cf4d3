package alb

import (
	"net/http"
	"strings"
)

// ALB's desync mitigation: each HTTP/1 request is classified from its
// head, as AWS's http_desync_guardian classifies it, and handled as the
// default defensive mode does: Compliant and Acceptable requests are
// served; Ambiguous ones are served, then the client's and the target's
// connections are closed; Severe ones get 400 (501 for a transfer coding
// ALB does not know) and the connection is closed. The access log's
// classification and classification_reason fields carry the verdict
// ("-" for a compliant request).

// Desync classification tiers, worst last.
const (
	compliant  = 0
	acceptable = 1
	ambiguous  = 2
	severe     = 3
)

var tierNames = [...]string{"", "Acceptable", "Ambiguous", "Severe"}

// desyncClass is a request's classification: its tier and the reason for
// it (the first reason found at the worst tier).
type desyncClass struct {
	tier   int
	reason string
}

func (c *desyncClass) note(tier int, reason string) {
	if tier > c.tier {
		c.tier, c.reason = tier, reason
	}
}

// Tier and Reason are the access log's fields: "-" for a compliant
// request.
func (c desyncClass) Tier() string {
	if c.tier == compliant {
		return "-"
	}
	return tierNames[c.tier]
}

func (c desyncClass) Reason() string {
	if c.tier == compliant {
		return "-"
	}
	return c.reason
}

// status is ALB's answer to a severe request.
func (c desyncClass) status() int {
	if c.reason == "BadTransferEncoding" {
		return http.StatusNotImplemented
	}
	return http.StatusBadRequest
}

// classifyHead classifies a raw HTTP/1 request head, through its blank
// line.
func classifyHead(raw string) desyncClass {
	var c desyncClass
	line, rest, _ := strings.Cut(raw, "\n")
	if !strings.HasSuffix(line, "\r") {
		c.note(acceptable, "NonCrLfLineTermination")
	}
	line = strings.TrimSuffix(line, "\r")
	method, after, _ := strings.Cut(line, " ")
	if method == "" || !isToken(method) {
		c.note(severe, "BadMethod")
	}
	uri, version := after, ""
	if i := strings.LastIndexByte(after, ' '); i >= 0 {
		uri, version = after[:i], after[i+1:]
	}
	switch {
	case uri == "":
		c.note(ambiguous, "MissingUri")
	case strings.ContainsAny(uri, "\x00\r"):
		c.note(severe, "BadUri")
	case hasCTL(uri):
		c.note(ambiguous, "AmbiguousUri")
	case strings.ContainsAny(uri, " "):
		c.note(acceptable, "SpaceInUri")
	}
	wellFormed := len(version) == 8 && strings.HasPrefix(version, "HTTP/") && isDigit(version[5]) && version[6] == '.' && isDigit(version[7])
	switch {
	case version == "HTTP/1.1", version == "HTTP/1.0":
	case version == "" || wellFormed:
		// HTTP/0.9, HTTP/1.2-1.9, or a version ALB answers 505.
		c.note(acceptable, "NonCompliantVersion")
	default:
		c.note(severe, "BadVersion")
	}
	getOrHead := method == http.MethodGet || method == http.MethodHead
	var lengthsBuf [4]string // no allocation for the usual head
	lengths := lengthsBuf[:0]
	chunked, te := 0, false
	for rest != "" {
		line, rest, _ = strings.Cut(rest, "\n")
		if !strings.HasSuffix(line, "\r") && rest != "" {
			c.note(acceptable, "NonCrLfLineTermination")
		}
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			break
		}
		if line[0] == ' ' || line[0] == '\t' {
			c.note(ambiguous, "MultilineHeader")
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok {
			c.note(ambiguous, "MissingHeaderColon")
			continue
		}
		if strings.TrimSpace(name) == "" {
			c.note(ambiguous, "EmptyHeader")
			continue
		}
		if strings.ContainsAny(line, "\x00\r") {
			c.note(severe, "BadHeader")
			continue
		}
		value = strings.Trim(value, " \t")
		switch {
		case strings.EqualFold(name, "Content-Length"):
			lengths = append(lengths, value)
		case strings.EqualFold(name, "Transfer-Encoding"):
			te = true
			for tok := range strings.SplitSeq(value, ",") {
				switch tok = strings.TrimSpace(tok); {
				case strings.EqualFold(tok, "chunked"):
					chunked++
				case strings.EqualFold(tok, "identity"):
				default:
					c.note(severe, "BadTransferEncoding")
				}
			}
		case suspicious(name):
			c.note(ambiguous, "SuspiciousHeader")
		case hasCTL(value) || !isASCII(value):
			c.note(acceptable, "NonCompliantHeader")
		}
	}
	for _, l := range lengths {
		if l == "" || len(l) > 18 || strings.Trim(l, "0123456789") != "" {
			c.note(severe, "BadContentLength")
		} else if l != lengths[0] {
			c.note(severe, "MultipleContentLength")
		}
	}
	switch {
	case chunked > 1:
		c.note(severe, "MultipleTransferEncodingChunked")
	case te && len(lengths) > 0:
		c.note(ambiguous, "BothTeClPresent")
	case len(lengths) > 1:
		c.note(ambiguous, "DuplicateContentLength")
	}
	if getOrHead && te {
		c.note(ambiguous, "UndefinedTransferEncodingSemantics")
	}
	if getOrHead && len(lengths) > 0 {
		if strings.Trim(lengths[0], "0") == "" && lengths[0] != "" {
			c.note(acceptable, "GetHeadZeroContentLength")
		} else {
			c.note(ambiguous, "UndefinedContentLengthSemantics")
		}
	}
	return c
}

// suspicious reports a header name that is not Transfer-Encoding or
// Content-Length but reads as one once case, separators and other
// non-letters are set aside (Transfer_Encoding, "Content-Length ").
func suspicious(name string) bool {
	var b [32]byte
	n := 0
	for i := 0; i < len(name) && n < len(b); i++ {
		c := name[i]
		switch {
		case c >= 'a' && c <= 'z':
			b[n], n = c, n+1
		case c >= 'A' && c <= 'Z':
			b[n], n = c+'a'-'A', n+1
		}
	}
	s := string(b[:n])
	return s == "transferencoding" || s == "contentlength"
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func hasCTL(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 && c != '\t' || c == 0x7f {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// isToken reports whether s is an HTTP token (a method).
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}
