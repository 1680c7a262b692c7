#!/usr/bin/env bash
# Import + validation of a generated bulk zip of 2,000 components (real certificates), each
# against the floor of a plain serde_json parse of the same JSON bytes, measured in the same run:
#   1. read + validate (fabric-ha-artifacts, criterion)
#   2. the whole library import: read, validate, conflict checks, SQLite, encrypted keys
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench -p fabric-ha-artifacts --bench import 2>&1 | grep -E "^(bulk zip|read\+validate)"
cargo bench -p fabric-ha-core --bench library_import 2>&1 | grep -E "^(bulk zip|library import)"
