"""`python -m aggregator` runs the command-line interface."""

from aggregator.cli import main

main()
