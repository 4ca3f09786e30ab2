"""dine picks the forks up with acquire() and puts them down with release() after the
meal, with no try/finally: when eat raises, both forks stay held and both neighbours
starve for ever.

Source: https://runebook.dev/en/docs/python/library/threading/threading.Lock.release ("If
an exception occurs after acquire() but before release(), the lock is never released.
Any other thread attempting to acquire it will wait forever"), and Python docs,
threading, "Using locks, conditions, and semaphores in the with statement"
(https://docs.python.org/3/library/threading.html#using-locks-conditions-and-semaphores-in-the-with-statement)
Caught by: test_a_meal_that_raises_puts_both_forks_down
Says: stayed held
"""

from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


def dine(philosopher, left, right, meals, eat):
    first, second = sorted((left, right), key=lambda fork: fork.number)
    for _ in range(meals):
        first.lock.acquire()
        second.lock.acquire()
        eat(philosopher)
        second.lock.release()
        first.lock.release()
