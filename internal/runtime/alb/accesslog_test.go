package alb

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// accessLogFields names ALB's access-log fields in order.
var accessLogFields = []string{"type", "time", "elb", "client:port", "target:port", "request_processing_time",
	"target_processing_time", "response_processing_time", "elb_status_code", "target_status_code", "received_bytes",
	"sent_bytes", "request", "user_agent", "ssl_cipher", "ssl_protocol", "target_group_arn", "trace_id", "domain_name",
	"chosen_cert_arn", "matched_rule_priority", "request_creation_time", "actions_executed", "redirect_url",
	"error_reason", "target:port_list", "target_status_code_list", "classification", "classification_reason", "conn_trace_id"}

// splitLogLine splits an access-log line as Athena's ALB table does:
// spaces separate fields, double quotes group them, backslash escapes.
func splitLogLine(t *testing.T, line string) map[string]string {
	t.Helper()
	var fields []string
	var cur strings.Builder
	quoted, escaped, inField := false, false, false
	for _, r := range line {
		switch {
		case escaped:
			cur.WriteRune(r)
			escaped = false
		case r == '\\' && quoted:
			escaped = true
		case r == '"':
			quoted, inField = !quoted, true
		case r == ' ' && !quoted:
			fields = append(fields, cur.String())
			cur.Reset()
			inField = false
		default:
			cur.WriteRune(r)
			inField = true
		}
	}
	if inField {
		fields = append(fields, cur.String())
	}
	if len(fields) != len(accessLogFields) {
		t.Fatalf("%d fields in %q; ALB writes %d", len(fields), line, len(accessLogFields))
	}
	out := map[string]string{}
	for i, f := range fields {
		out[accessLogFields[i]] = f
	}
	return out
}

func TestAccessLog(t *testing.T) {
	x := listener(t, time.Second)
	var buf bytes.Buffer
	x.accessLog, x.region = NewAccessLog(&buf), "eu-west-1"
	b := newBackend(t, "a")
	register(t, x, "tg-rr", b)
	get(t, x, "/api/orders?id=7", "User-Agent", `curl "quoted"`).Body.Close()
	get(t, x, "/nothing").Body.Close()
	get(t, x, "/old").Body.Close()
	get(t, x, "/lor/x").Body.Close() // no targets
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("%d lines for 4 requests:\n%s", len(lines), buf.String())
	}
	fwd := splitLogLine(t, lines[0])
	for k, want := range map[string]string{
		"type": "https", "elb": x.arn("app", "alb-test"), "target:port": b.srv.Listener.Addr().String(),
		"elb_status_code": "200", "target_status_code": "200", "request": "GET https://shop.example.com:443/api/orders?id=7 HTTP/1.1",
		"user_agent": `curl "quoted"`, "matched_rule_priority": "10", "actions_executed": "forward",
		"target_group_arn": x.arn("targetgroup", "tg-rr"), "target:port_list": b.srv.Listener.Addr().String(), "target_status_code_list": "200",
	} {
		if fwd[k] != want {
			t.Errorf("forwarded request: %s = %q; want %q", k, fwd[k], want)
		}
	}
	if !strings.HasPrefix(fwd["elb"], "app/alb-test/") || !strings.HasPrefix(fwd["target_group_arn"], "arn:aws:elasticloadbalancing:eu-west-1:") {
		t.Errorf("names: elb %q, target group %q", fwd["elb"], fwd["target_group_arn"])
	}
	if !strings.HasPrefix(fwd["trace_id"], "Root=1-") {
		t.Errorf("trace_id %q", fwd["trace_id"])
	}
	if _, err := time.Parse("2006-01-02T15:04:05.000000Z", fwd["time"]); err != nil {
		t.Errorf("time: %v", err)
	}
	for _, f := range []string{"request_processing_time", "target_processing_time", "response_processing_time"} {
		if strings.HasPrefix(fwd[f], "-") {
			t.Errorf("forwarded request: %s = %s", f, fwd[f])
		}
	}
	fixed := splitLogLine(t, lines[1])
	if fixed["elb_status_code"] != "404" || fixed["target_status_code"] != "-" || fixed["matched_rule_priority"] != "0" ||
		fixed["actions_executed"] != "fixed-response" || fixed["target:port"] != "-" || fixed["target_processing_time"] != "-1.000" {
		t.Errorf("fixed response logged as %v", fixed)
	}
	redirect := splitLogLine(t, lines[2])
	if redirect["actions_executed"] != "redirect" || redirect["redirect_url"] != "https://shop.example.com/old" || redirect["elb_status_code"] != "301" {
		t.Errorf("redirect logged as %v", redirect)
	}
	none := splitLogLine(t, lines[3])
	if none["elb_status_code"] != "503" || none["error_reason"] != "NoHealthyTargets" || none["target_status_code"] != "-" {
		t.Errorf("no targets logged as %v", none)
	}

	// A client that leaves before the target answers: 460, nothing sent.
	buf.Reset()
	slow := newBackend(t, "slow")
	slow.hold = make(chan struct{})
	defer close(slow.hold)
	register(t, x, "tg-lor", slow)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	w := httptest.NewRecorder()
	x.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "https://shop.example.com/lor/x", nil).WithContext(ctx))
	if left := splitLogLine(t, strings.TrimSuffix(buf.String(), "\n")); left["elb_status_code"] != "460" || left["target_status_code"] != "-" {
		t.Errorf("a client that left logged as %v", left)
	}
}
