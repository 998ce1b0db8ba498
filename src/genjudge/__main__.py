"""``python -m genjudge`` runs the command line, like the ``genjudge`` script."""

from genjudge.cli import main

main()
