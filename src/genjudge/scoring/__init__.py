"""Pure scoring functions: arrays and frames in, numbers out. No I/O, no models, no network."""
