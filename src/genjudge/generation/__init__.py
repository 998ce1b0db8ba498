"""From a model to a benchmark's outputs: generator protocols, their adapters, and the resumable
runner that writes each benchmark's official output layout with a run manifest beside it."""
