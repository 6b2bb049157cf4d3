package up

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/plan/plantest"
)

// startNetns starts an example in netns mode, or skips where network
// namespaces cannot be made.
func startNetns(t *testing.T, d *design.Design, opt Options) *Runtime {
	t.Helper()
	opt.Ephemeral, opt.Isolation = true, IsolationAuto
	rt := startDesign(t, d, opt)
	if rt.Isolation != IsolationNetns {
		t.Skipf("network namespaces are refused here: %v", rt.Notes)
	}
	return rt
}

func TestNetnsServesTheSameGraph(t *testing.T) {
	for _, example := range []string{"three-tier", "shop"} {
		t.Run(example, func(t *testing.T) {
			d := plantest.File(t, "../../../examples/"+example+".yaml")
			rt := startNetns(t, d, Options{FlowLogDir: t.TempDir()})
			e := entry(t, rt, design.InternetFacing, "HTTPS")
			resp, err := client(t, rt).Get("https://" + strings.Replace(e.Addr, "127.0.0.1", "localhost", 1) + "/")
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET / through %s: %s", e.LoadBalancer, resp.Status)
			}
			var tree Call
			if err := json.NewDecoder(resp.Body).Decode(&tree); err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			checkTree(t, d, tree, seen)
			b, _ := json.MarshalIndent(tree, "", " ")
			t.Logf("%s", b)
		})
	}
}
