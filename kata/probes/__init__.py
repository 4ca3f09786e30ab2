"""Test-side code that must run inside child processes.

A function handed to a child started with spawn or forkserver is pickled by module and
name, and the child imports that module afresh. Exercise test files cannot be imported
that way (their folders are not packages on sys.path), so whatever a test needs to run
in a child (a task that records when and where it ran, a peer at the far end of a pipe)
lives here, one module per exercise, named after the exercise's module:
``kata/probes/<module>.py``. Nothing here is the learner's to write.
"""
