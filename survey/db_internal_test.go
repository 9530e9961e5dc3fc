package survey

import "testing"

func TestWithBinaryParameters(t *testing.T) {
	cases := map[string]string{
		"postgres://u@h:5432/db?sslmode=disable":                 "postgres://u@h:5432/db?binary_parameters=yes&sslmode=disable",
		"postgres://u@h/db":                                      "postgres://u@h/db?binary_parameters=yes",
		"postgres://u@h/db?binary_parameters=no&sslmode=disable": "postgres://u@h/db?binary_parameters=no&sslmode=disable",
		"postgresql://u:p%40ss@h/db?application_name=tillid":     "postgresql://u:p%40ss@h/db?application_name=tillid&binary_parameters=yes",
	}
	for in, want := range cases {
		if got := withBinaryParameters(in); got != want {
			t.Errorf("%s: got %s, want %s", in, got, want)
		}
	}
}
