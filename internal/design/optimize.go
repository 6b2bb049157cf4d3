package design

// Workload is the performance optimizer's input, carried from the spec.
// Zero numbers mean unknown.
type Workload struct {
	LatencySensitive   bool `json:"latency_sensitive,omitempty"`
	BandwidthIntensive bool `json:"bandwidth_intensive,omitempty"`
	BulkDataTransfer   bool `json:"bulk_data_transfer,omitempty"`
	RequestsPerSecond  int  `json:"requests_per_second,omitempty"`
	AvgResponseBytes   int  `json:"avg_response_bytes,omitempty"`
}

// Recommendation is one thing the performance optimizer advises, with why,
// what it should change, and where the figures come from.
type Recommendation struct {
	ID     string `json:"id"`
	Topic  string `json:"topic"`
	Title  string `json:"title"`
	Reason string `json:"reason"`
	Effect string `json:"effect"`
	Source string `json:"source"`
}

// CostEstimate is the design's monthly network cost from list prices.
type CostEstimate struct {
	// Basis says which prices, and the assumptions behind traffic costs.
	Basis    string     `json:"basis"`
	Items    []CostItem `json:"items"`
	TotalUSD float64    `json:"total_usd"`
}

// CostItem is one line of the estimate.
type CostItem struct {
	What     string  `json:"what"`
	Quantity string  `json:"quantity"`
	USD      float64 `json:"usd"`
}
