package up

import (
	"encoding/json"
	"testing"

	"github.com/netwright/netwright/internal/plan/plantest"
)

func TestNetnsNLBExplore(t *testing.T) {
	d := plantest.Design(t, "arcade.yaml", []byte(arcade))
	rt := startNetns(t, d, Options{})
	resp, err := client(t, rt).Get("https://" + nlbEntry(t, rt, 443).Addr + "/")
	if err != nil {
		t.Fatal(err)
	}
	var tree Call
	err = json.NewDecoder(resp.Body).Decode(&tree)
	resp.Body.Close()
	t.Logf("tree %+v %v", tree.Client, err)
	got, err := udpAnswer(t, nlbEntry(t, rt, 7777).Addr)
	t.Logf("udp %q %v", got, err)
	for _, e := range rt.Entries { t.Logf("%+v", e) }
}
