"""`python -m launch_worker`: the worker server, for runtimes that ship this package on its own (Ray)."""
import sys

from launch_worker.main import main

sys.exit(main())
