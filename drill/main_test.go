package drill

import (
	"testing"

	"github.com/bottega-app/bottega/store/pgtest"
)

// TestMain stops the private test server once the tests are over and
// removes its folder, which would otherwise stay behind in the temporary
// folder.
func TestMain(m *testing.M) { pgtest.Main(m) }
