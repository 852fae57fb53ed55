"""The test suite. Imported before any of its modules, so that it can say one thing first."""

import sys

# Modules compiled once are kept, even where PYTHONDONTWRITEBYTECODE is set (as on machines
# that keep source trees clean): otherwise each test process compiled every module of the
# project and rewrote every test module's asserts again, about 2 s of each worker's start, and
# each `oneonone` process a test starts compiled the project again. `__pycache__` is ignored
# by git.
sys.dont_write_bytecode = False
