package awsfacts

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

//go:embed prices.tsv
var pricesTSV string

// HoursPerMonth is the month AWS bills by: 730 hours.
const HoursPerMonth = 730

// Price is one list price from prices.tsv.
type Price struct {
	Key    string
	USD    float64
	Unit   string // hour, GB or month
	What   string
	Source string
}

// PricesAsOf is the date and basis the table states in its first line.
var PricesAsOf string

var prices = map[string]Price{}

func init() {
	for i, line := range strings.Split(pricesTSV, "\n") {
		if strings.HasPrefix(line, "# AWS list prices") {
			PricesAsOf = strings.TrimSuffix(strings.TrimSpace(strings.TrimPrefix(line, "# AWS list prices netwright estimates costs with: ")), ".")
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			panic(fmt.Sprintf("prices.tsv line %d: want 5 tab-separated fields, got %d", i+1, len(f)))
		}
		usd, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			panic(fmt.Sprintf("prices.tsv line %d: %v", i+1, err))
		}
		prices[f[0]] = Price{Key: f[0], USD: usd, Unit: f[2], What: f[3], Source: f[4]}
	}
}

// LookupPrice returns the list price with the given key. Keys are the
// first column of prices.tsv; a missing key is a programming error.
func LookupPrice(key string) Price {
	p, ok := prices[key]
	if !ok {
		panic("awsfacts: no price " + key)
	}
	return p
}
