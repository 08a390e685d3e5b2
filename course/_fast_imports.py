"""Keep `course check` quick.

nbformat imports jsonschema, which imports the optional rfc3987_syntax if it
is installed (JupyterLab's dependencies install it); that package builds a
parser grammar at import time, about 1.7 s on our machines, for IRI format
checks that notebooks never need. Marking it absent skips only those checks.
"""

import sys

if "rfc3987_syntax" not in sys.modules and "jsonschema" not in sys.modules:
    sys.modules["rfc3987_syntax"] = None  # type: ignore[assignment]  # import now raises ImportError
