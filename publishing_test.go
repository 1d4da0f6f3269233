package bottega

import "testing"

func TestReadSource(t *testing.T) {
	tests := []struct {
		src, kind, who, what string
	}{
		{SourceBuiltin, "builtin", "", ""},
		{UploadSource("42", "07-reviews.yaml"), "upload", "42", "07-reviews.yaml"},
		{UploadSource("local", "a: b.zip"), "upload", "local", "a: b.zip"},
		{RollbackSource(3, "42"), "rollback", "42", "3"},
		{RollbackSource(12, ""), "rollback", "", "12"},
		{"rollback to version 2 by console 42", "rollback", "42", "2"},
		{"rollback to version 2 by the command line", "rollback", "", "2"},
		{"/srv/lessons", "", "", ""},
		{"rollback to version x", "", "", ""},
	}
	for _, tt := range tests {
		kind, who, what := ReadSource(tt.src)
		if kind != tt.kind || who != tt.who || what != tt.what {
			t.Errorf("ReadSource(%q) = %q, %q, %q; want %q, %q, %q", tt.src, kind, who, what, tt.kind, tt.who, tt.what)
		}
	}
}
