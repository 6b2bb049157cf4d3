package diagram

import (
	"bytes"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netwright/netwright/internal/design"
	"github.com/netwright/netwright/internal/golden"
	"github.com/netwright/netwright/internal/plan/plantest"
)

func designs(t *testing.T) map[string]*design.Design {
	t.Helper()
	return plantest.Examples(t, "../../../examples")
}

func overlap(a, b *Box) bool {
	return a.X < b.X+b.W && b.X < a.X+a.W && a.Y < b.Y+b.H && b.Y < a.Y+a.H
}

// geometryProblems lists every box outside its parent, every two siblings
// that overlap, and every label too wide for its box.
func geometryProblems(parent *Box, boxes []*Box) []string {
	var out []string
	for i, b := range boxes {
		if parent != nil && (b.X < parent.X || b.Y < parent.Y || b.X+b.W > parent.X+parent.W+0.01 || b.Y+b.H > parent.Y+parent.H+0.01) {
			out = append(out, fmt.Sprintf("%s %q (%.0f,%.0f %.0fx%.0f) sticks out of %s %q (%.0f,%.0f %.0fx%.0f)", b.Kind, b.Label, b.X, b.Y, b.W, b.H, parent.Kind, parent.Label, parent.X, parent.Y, parent.W, parent.H))
		}
		width := TextWidth(b.Label) + pad/2
		if b.Kind == "vpc" {
			width += TextWidth(b.Sub) + pad
		} else if b.Sub != "" {
			width = max(width, TextWidth(b.Sub)+pad/2)
		}
		if width > b.W+0.01 {
			out = append(out, fmt.Sprintf("label %q (%.0f wide) does not fit its %s (%.0f wide)", b.Label, width, b.Kind, b.W))
		}
		for _, o := range boxes[i+1:] {
			if overlap(b, o) {
				out = append(out, fmt.Sprintf("%s %q overlaps %s %q", b.Kind, b.Label, o.Kind, o.Label))
			}
		}
		out = append(out, geometryProblems(b, b.Children)...)
	}
	return out
}

func TestGeometry(t *testing.T) {
	for name, d := range designs(t) {
		t.Run(name, func(t *testing.T) {
			l := Build(d)
			for _, p := range geometryProblems(&Box{Kind: "canvas", W: l.W, H: l.H}, append(append([]*Box{}, l.Root...), l.Legend)) {
				t.Error(p)
			}
			if len(l.Arrows) == 0 {
				t.Error("no flows drawn")
			}
			for _, a := range l.Arrows {
				if a.From == nil || a.To == nil {
					t.Errorf("arrow %s has a missing end", a.Kind)
				}
			}
		})
	}
}

// TestGeometryCheckCanFail moves a subnet onto its neighbour and makes a
// label too long, and checks both are caught.
func TestGeometryCheckCanFail(t *testing.T) {
	l := Build(designs(t)["three-tier"])
	vpc := l.Root[1].Children[0]
	var cells []*Box
	for _, c := range vpc.Children {
		if c.Kind == "subnet" {
			cells = append(cells, c)
		}
	}
	cells[1].X = cells[0].X + 5
	cells[2].Label = strings.Repeat("x", 60)
	got := strings.Join(geometryProblems(&Box{Kind: "canvas", W: l.W, H: l.H}, l.Root), "\n")
	if !strings.Contains(got, "overlaps") || !strings.Contains(got, "does not fit") {
		t.Errorf("problems = %q; want an overlap and a label that does not fit", got)
	}
}

func TestGoldenSVG(t *testing.T) {
	for name, d := range designs(t) {
		var b bytes.Buffer
		if err := SVG(&b, d); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", name+".svg"), b.Bytes())
	}
}

// TestRendersInChromium renders the largest example's SVG to a PNG in
// headless Chromium (Debian's chromium package, which .ci/run installs)
// and checks the picture has the diagram's size and is not blank.
func TestRendersInChromium(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("chromium is not installed; .ci/run installs it")
		}
		t.Skip("chromium not installed (apt-get install chromium)")
	}
	d := designs(t)["shop"]
	l := Build(d)
	dir := t.TempDir()
	svgPath, pngPath := filepath.Join(dir, "shop.svg"), filepath.Join(dir, "shop.png")
	var b bytes.Buffer
	if err := l.Write(&b); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(svgPath, b.Bytes(), 0o644)
	w, h := int(l.W+0.5), int(l.H+0.5)
	cmd := exec.Command(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), fmt.Sprintf("--window-size=%d,%d", w, h),
		"--screenshot="+pngPath, "file://"+svgPath)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the screenshot is not a PNG: %v", err)
	}
	if got := img.Bounds().Size(); got.X != w || got.Y != h {
		t.Errorf("screenshot is %v; want %dx%d", got, w, h)
	}
	inked := 0
	for y := img.Bounds().Min.Y; y < img.Bounds().Max.Y; y += 3 {
		for x := img.Bounds().Min.X; x < img.Bounds().Max.X; x += 3 {
			r, g, bl, _ := img.At(x, y).RGBA()
			if r < 0xe000 || g < 0xe000 || bl < 0xe000 {
				inked++
			}
		}
	}
	if total := (w / 3) * (h / 3); inked < total/20 {
		t.Errorf("only %d of %d sampled pixels are drawn: the SVG did not render", inked, total)
	}
	// Every subnet and chip is drawn where the layout puts it, in its
	// colour: a pixel inside each box's lower right corner (clear of its
	// text) has the box's fill. A diagram that does not parse, boxes drawn
	// elsewhere or in the wrong colour, or missing boxes fail here.
	checked, wrong := 0, 0
	var walk func(bs []*Box)
	walk = func(bs []*Box) {
		for _, box := range bs {
			fill := ""
			switch box.Kind {
			case "subnet":
				fill = fills[box.Class]
			case "chip":
				fill = chipFill(box)
			}
			if want, ok := hexColour(fill); ok && box.W > 8 && box.H > 8 {
				// Points near both ends of a row no text crosses (a
				// subnet's bottom, a chip's top): a box drawn elsewhere
				// misses one end. An arrow may cover one point of an end.
				y := int(box.Y+box.H) - 3
				if box.Kind == "chip" {
					y = int(box.Y) + 3
				}
				var got [3]int
				end := func(xs ...float64) bool {
					for _, x := range xs {
						r, g, bl, _ := img.At(int(x), y).RGBA()
						got = [3]int{int(r >> 8), int(g >> 8), int(bl >> 8)}
						if near(got, want) {
							return true
						}
					}
					return false
				}
				hits := 0
				if end(box.X+3, box.X+8, box.X+13) {
					hits++
				}
				if end(box.X+box.W-3, box.X+box.W-8, box.X+box.W-13) {
					hits++
				}
				checked++
				if hits < 2 {
					wrong++
					if wrong <= 5 {
						t.Errorf("%s %q near (%.0f,%d) is %v; want its fill %s", box.Kind, box.Label, box.X+box.W, y, got, fill)
					}
				}
			}
			walk(box.Children)
		}
	}
	walk(l.Root)
	if checked < 20 || wrong > 0 {
		t.Errorf("%d of %d boxes are not drawn in their place and colour", wrong, checked)
	}
}

// hexColour parses #rrggbb.
func hexColour(s string) ([3]int, bool) {
	var c [3]int
	if len(s) != 7 || s[0] != '#' {
		return c, false
	}
	if _, err := fmt.Sscanf(s, "#%02x%02x%02x", &c[0], &c[1], &c[2]); err != nil {
		return c, false
	}
	return c, true
}

// near allows the little a rasteriser's colour management changes.
func near(a, b [3]int) bool {
	for i := range a {
		if d := a[i] - b[i]; d < -6 || d > 6 {
			return false
		}
	}
	return true
}
