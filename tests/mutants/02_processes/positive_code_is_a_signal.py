"""killed_by reads any non-zero exit code as a signal number: sys.exit(3) becomes
"killed by SIGQUIT". Only a negative exit code -N means signal N.

Caught by: test_an_exit_code_says_how_a_child_ended
Says: exit code 3 is sys.exit(3)
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:

ChildReport.killed_by = property(
    lambda self: signal.Signals(abs(self.exitcode)) if self.exitcode not in (None, 0, 1) else None
)
