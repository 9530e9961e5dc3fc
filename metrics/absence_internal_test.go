package metrics

import "testing"

func TestMonthOfCell(t *testing.T) {
	for in, want := range map[string]string{"2024-03": "2024-03", "2024-03-01": "2024-03", "2024-03-15": "2024-03-15", "marts": "marts"} {
		if got := monthOfCell(in); got != want {
			t.Errorf("monthOfCell(%q): got %q, want %q", in, got, want)
		}
	}
}
