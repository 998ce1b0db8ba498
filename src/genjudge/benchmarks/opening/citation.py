"""How to cite OpenING: the one copy every card, module and page uses (the CVPR 2025 paper)."""

CITATION = """@inproceedings{zhou2025opening,
  title     = {OpenING: A Comprehensive Benchmark for Judging Open-ended Interleaved Image-Text Generation},
  author    = {Zhou, Pengfei and Peng, Xiaopeng and Song, Jiajun and Li, Chuanhao and Xu, Zhaopan and
               Yang, Yue and Guo, Ziyao and Zhang, Hao and Lin, Yuqi and He, Yefei and others},
  booktitle = {Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition (CVPR)},
  pages     = {56--66},
  year      = {2025},
  note      = {arXiv:2411.18499}
}"""
