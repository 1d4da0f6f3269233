package assistant

import (
	"math"
	"slices"
	"testing"
)

func TestNewClient(t *testing.T) {
	tests := []struct {
		base string
		ok   bool
	}{
		{"", true},
		{"http://localhost:11434", true},
		{"http://localhost:11434/v1/", true},
		{"https://llm.example.org/openai/v1", true},
		{"localhost:11434", false},
		{"ftp://example.org", false},
	}
	for _, tt := range tests {
		if _, err := NewClient(tt.base, "", nil); (err == nil) != tt.ok {
			t.Errorf("NewClient(%q): err %v, want ok %v", tt.base, err, tt.ok)
		}
	}
}

func TestCost(t *testing.T) {
	prices := DefaultPrices()
	tests := []struct {
		model   string
		in, out int
		want    float64
	}{
		{"gpt-4o-mini", 1_000_000, 1_000_000, 0.75},
		{"gpt-4o-mini-2024-07-18", 2000, 400, 0.00054},
		{"gpt-4o", 1000, 0, 0.0025},
		{"llama3.1:8b", 5000, 500, 0},
	}
	for _, tt := range tests {
		if got := cost(prices, tt.model, tt.in, tt.out); math.Abs(got-tt.want) > 1e-9 {
			t.Errorf("cost(%s, %d, %d) = %g, want %g", tt.model, tt.in, tt.out, got, tt.want)
		}
	}
}

func TestQueryWords(t *testing.T) {
	tests := []struct {
		q    string
		want []string
	}{
		{"Come faccio una diretta dalla pagina del Comune?", []string{"una", "diretta", "dalla", "pagina", "del", "comune"}},
		{"perché l'attività su IG?", []string{"l", "attivita", "su", "ig", "instagram"}},
		{"come?", []string{"come"}},
	}
	for _, tt := range tests {
		if got := queryWords(tt.q, "it", maxQueryWords); !slices.Equal(got, tt.want) {
			t.Errorf("queryWords(%q) = %q, want %q", tt.q, got, tt.want)
		}
	}
}
