"""`python -m bench.standin_process`: the Braintree stand-in (tests/braintree_standin.py) in a process of
its own, for bench.checkout.

In the bench's own process the stand-in shared one interpreter lock with the sixteen client threads and
answered a sale in ≈ 45 ms, against ≈ 4 ms alone: the time the shop then waited was the bench's, not the
gateway's. It prints its URL on the first line of its output and serves until its standard input closes.
"""
import sys

from tests.braintree_standin import BraintreeStandIn


def main():
    standin = BraintreeStandIn().start()
    print(standin.url, flush=True)
    sys.stdin.read()  # the bench closes it when the series is done
    standin.stop()


if __name__ == "__main__":
    main()
