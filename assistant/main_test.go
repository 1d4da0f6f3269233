package assistant_test

import (
	"testing"

	"github.com/bottega-app/bottega/store/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
