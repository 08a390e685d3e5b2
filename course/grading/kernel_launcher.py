"""Start an IPython kernel for checking or grading: ipykernel_launcher without the debugger.

ipykernel imports debugpy as it starts, about 0.1 s of CPU per kernel (a quarter of
a bare kernel's start), for a debugger no check or grade ever attaches. Marking it
absent makes ipykernel start without one, as it does where debugpy is not installed.
"""

import sys
from pathlib import Path

if __name__ == "__main__":
    sys.modules["debugpy"] = None  # type: ignore[assignment]  # import now raises ImportError
    # As ipykernel_launcher does: no imports from the working directory (the learner's) while
    # the kernel loads; IPython puts it back for the notebook's own imports.
    if sys.path[0] == "" or Path(sys.path[0]) == Path.cwd():
        del sys.path[0]

    from ipykernel import kernelapp

    kernelapp.launch_new_instance()
