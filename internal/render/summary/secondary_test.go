package summary

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestSecondaryBlocksShown: the VPC's line names its secondary blocks.
func TestSecondaryBlocksShown(t *testing.T) {
	d := plantest.Design(t, "big.yaml", []byte(plantest.SecondaryBlocksSpec))
	var b bytes.Buffer
	if err := Write(&b, d); err != nil {
		t.Fatal(err)
	}
	want := "VPC big (app) 10.0.0.0/16 with secondary blocks 10.1.0.0/16, 10.2.0.0/16, 10.3.0.0/16 in us-east-1"
	if !strings.Contains(b.String(), want) {
		t.Errorf("summary lacks %q:\n%s", want, b.String()[:min(b.Len(), 400)])
	}
}
