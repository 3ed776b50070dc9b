#!/usr/bin/env bash
# Stop the test services started by scripts/testenv/up.sh. Cached binaries and
# the PostgreSQL cluster stay, so the next up.sh is fast.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
rc=0
"$here/dendrite.sh" down || rc=1
"$here/postgres.sh" down || rc=1
exit $rc
