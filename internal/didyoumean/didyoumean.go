// Package didyoumean suggests the closest known name for a misspelt one. It
// owns only the string distance; callers word the suggestion.
package didyoumean

import "strings"

// Suggest returns the candidate closest to given by edit distance, or "" when
// none is close enough to be a plausible typo: one edit for names of up to
// four characters, two for longer ones. Letter case is ignored. Ties go to the
// earlier candidate, so callers get the same answer on every run.
func Suggest(given string, candidates []string) string {
	limit := 2
	if len([]rune(given)) <= 4 {
		limit = 1
	}
	g := strings.ToLower(given)
	best, bestDist := "", limit+1
	for _, c := range candidates {
		if c == given {
			return ""
		}
		if d := distance(g, strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b, with a transposition
// of two neighbours counting as one edit (optimal string alignment).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
