"""What the ``evaluate`` modules in ``metrics/`` need from the library: shared argument handling,
their Hub Space page, and installing them so ``evaluate.load("<name>")`` finds them offline."""
