"""`python -m loaders ingest|show|export-parquet`: the older name of `python -m storage`."""

from __future__ import annotations

import sys

from storage.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
