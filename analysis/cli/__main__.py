"""Run the ``defcode`` command as ``python -m analysis.cli``."""

from analysis.cli import console

if __name__ == "__main__":
    console()
