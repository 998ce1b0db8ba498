"""genjudge: benchmark multimodal generation models and judge their outputs.

Records flow one way: benchmark records in, a judge turns them into verdicts or scores, pure
scoring functions turn those into rankings, and thin adapters (``evaluate`` modules, the CLI,
the Space, the Hub) show them. See ``DESIGN.md`` in the project for the map.
"""

from genjudge.core.records import Instance, ModelOutput, Step

__version__ = "0.1.0"
__all__ = ["Instance", "ModelOutput", "Step", "__version__"]
