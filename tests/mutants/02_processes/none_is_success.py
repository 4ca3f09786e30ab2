"""succeeded is written `not self.exitcode`: that is True for 0, and also for None, the
exit code of a child that nobody saw end.

Caught by: test_an_exit_code_says_how_a_child_ended
Says: `not exitcode` is True for None too
"""

from kata.runner import load_reference

load_reference("02_processes", globals())  # everything as in the reference solution, except:

ChildReport.succeeded = property(lambda self: not self.exitcode)
