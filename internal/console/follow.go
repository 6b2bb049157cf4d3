package console

import (
	"bytes"
	"context"
	"time"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/diag"
)

// Build designs a spec's source: plan.File, which the caller passes in.
type Build func(filename string, src []byte) (*design.Design, diag.Diagnostics)

// Follow gives the console the spec file as it is saved: the version on
// disk now, then each changed one, read every interval, until ctx ends.
// A file being replaced may be missing for a moment; that is not a
// change. changed, when set, is called after each update.
func (c *Console) Follow(ctx context.Context, path string, read func(string) ([]byte, error), build Build, interval time.Duration, changed func(*design.Design, diag.Diagnostics)) {
	var last []byte
	load := func() {
		src, err := read(path)
		if err != nil || last != nil && bytes.Equal(src, last) {
			return
		}
		last = src
		d, ds := build(path, src)
		c.Update(src, d, ds)
		if changed != nil {
			changed(d, ds)
		}
	}
	load()
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			load()
		}
	}
}
