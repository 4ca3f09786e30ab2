"""dine_with_patience puts the left fork down when the right one does not come, and
reaches for it again at once, with no random pause: the philosophers who gave up
together take their left forks together again and give up together again, round after
round. Nobody is blocked, nobody eats: a livelock.

Source: https://foldoc.org/livelock ("two people who meet face-to-face in a corridor ...
always move the same way at the same time"),
https://en.m.wikibooks.org/wiki/Operating_System_Design/Concurrency/Livelock ("a risk with
some algorithms that detect and recover from deadlock"), and the CMU 15-418 lecture
thread http://15418.courses.cs.cmu.edu/spring2013/lecture/snoopimpl1/slide_013 ("they
each back-off and reattempt at the same time ... Each car could wait for a random
amount of time")
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
