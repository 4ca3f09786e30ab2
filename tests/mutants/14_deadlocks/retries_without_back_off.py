"""dine_with_patience puts the left fork down when the right one does not come, and
reaches for it again at once, with no random pause: the philosophers who gave up
together take their left forks together again and give up together again, round after
round. Nobody is blocked, nobody eats: a livelock.

Source: Python docs, threading, Lock.acquire(timeout=...) gives up after the timeout;
the livelock of retrying in step is the classic one, https://en.wikipedia.org/wiki/Deadlock#Livelock
("the possibility of livelock can be avoided by ensuring that only one process (chosen
arbitrarily or by priority) takes action"), and the Q&A thread
https://stackoverflow.com/questions/1036364/good-example-of-livelock
Caught by: test_patient_philosophers_put_a_fork_down_and_all_eat
Says: a livelock
"""

from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


def dine_with_patience(philosopher, left, right, meals, eat, patience=0.01):
    eaten = 0
    while eaten < meals:
        with left.lock:
            if right.lock.acquire(timeout=patience):
                try:
                    eat(philosopher)
                finally:
                    right.lock.release()
                eaten += 1
        # the left fork is down again; try again at once
