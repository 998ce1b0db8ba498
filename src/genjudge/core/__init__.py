"""The records every room shares: interleaved steps, instances, model outputs and verdict labels."""
