"""dine_with_patience catches whatever eat raises ("a philosopher must not crash the
table"), counts the meal and goes on: the forks are put down, but the caller is never
told the meal failed.

Source: the Q&A thread "Why is 'except: pass' a bad programming practice?"
(https://newbe.dev/why-is-except-pass-a-bad-programming-practice, a copy of the Stack
Overflow question: "Try to avoid passing in except blocks"), and the Zen of Python
(PEP 20): "Errors should never pass silently."
Caught by: test_a_meal_that_raises_puts_both_forks_down
Says: nobody is told
"""

from kata.runner import load_reference

load_reference("14_deadlocks", globals())  # everything as in the reference solution, except:


def dine_with_patience(philosopher, left, right, meals, eat, patience=0.01):
    eaten = 0
    while eaten < meals:
        with left.lock:
            got_right = right.lock.acquire(timeout=patience)
            if got_right:
                try:
                    eat(philosopher)
                except Exception:
                    pass  # keep the table going
                finally:
                    right.lock.release()
                eaten += 1
        if not got_right:
            time.sleep(random.uniform(0, patience))
