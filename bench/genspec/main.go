// Command genspec writes a synthetic spec for benchmarks to stdout:
//
//	go run ./bench/genspec -services 2000 -deps 6000 > /tmp/big.yaml
package main

import (
	"flag"
	"os"

	"github.com/netwright/netwright/internal/specgen"
)

func main() {
	services := flag.Int("services", 2000, "number of services")
	deps := flag.Int("deps", 6000, "number of dependencies")
	pattern := flag.String("pattern", "three_tier", "network pattern")
	flag.Parse()
	os.Stdout.Write(specgen.Spec(specgen.Options{Services: *services, Dependencies: *deps, Pattern: *pattern}))
}
