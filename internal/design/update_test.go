package design

// Every package's tests take -update (go test ./... -update), the one
// switch that rewrites golden files; it lives in internal/golden.
import _ "github.com/netwright/netwright/internal/golden"
