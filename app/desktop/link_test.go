package desktop

import "testing"

func TestLinkArg(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"parley://10.0.0.5:6503/?fp=ab"}, "parley://10.0.0.5:6503/?fp=ab"},
		{[]string{"--fake-media", "--join", "https://h:1/?fp=ab"}, "https://h:1/?fp=ab"},
		{[]string{"-join=https://h:1/?fp=ab"}, "https://h:1/?fp=ab"},
		{[]string{"--name", "parley"}, ""},
		{[]string{"--join"}, ""},
		{nil, ""},
	} {
		if got := linkArg(tc.args); got != tc.want {
			t.Errorf("linkArg(%q) = %q, want %q", tc.args, got, tc.want)
		}
	}
}
