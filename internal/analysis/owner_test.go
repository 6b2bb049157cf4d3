package analysis

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/plan/plantest"
)

// TestALBOwnerChangesNoPath checks who makes the ALBs changes nothing the
// verifier sees: the design with the AWS Load Balancer Controller owning
// its ALBs and the same design with the stack owning them have the same
// findings and the same reachability, path by path (the design keeps the
// ALBs, their rules and groups; only their owner differs).
func TestALBOwnerChangesNoPath(t *testing.T) {
	path := filepath.Join("..", "..", "testdata", "specs", "eks-storefront-ingress.yaml")
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	controller := plantest.Design(t, "controller.yaml", src)
	stack := plantest.Design(t, "stack.yaml", []byte(strings.Replace(string(src), "\n  alb_owner: controller\n", "\n  alb_owner: stack\n", 1)))
	if len(controller.ControllerALBs()) != 2 || len(stack.ControllerALBs()) != 0 {
		t.Fatalf("the controller owns %v and %v; want both ALBs, then none", controller.ControllerALBs(), stack.ControllerALBs())
	}
	a, b := Analyze(controller), Analyze(stack)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("the analysis differs with the owner:\ncontroller: %s\nstack:      %s", ja, jb)
	}
	if len(a.Matrix) == 0 {
		t.Error("no reachability to compare")
	}
}
