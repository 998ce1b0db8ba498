"""How to cite General-Level / General-Bench: the one copy every card, module and page uses."""

CITATION = """@inproceedings{fei2025pathmultimodalgeneralist,
  title={On Path to Multimodal Generalist: General-Level and General-Bench},
  author={Hao Fei and Yuan Zhou and Juncheng Li and Xiangtai Li and Qingshan Xu and Bobo Li and Shengqiong Wu
          and Yaoting Wang and Junbao Zhou and Jiahao Meng and Qingyu Shi and Zhiyuan Zhou and Liangtao Shi
          and Minghe Gao and Daoan Zhang and Zhiqi Ge and Weiming Wu and Siliang Tang and Kaihang Pan
          and Yaobo Ye and Haobo Yuan and Tao Zhang and Tianjie Ju and Zixiang Meng and Shilin Xu and Liyu Jia
          and Wentao Hu and Meng Luo and Jiebo Luo and Tat-Seng Chua and Shuicheng Yan and Hanwang Zhang},
  booktitle={Proceedings of the International Conference on Machine Learning (ICML)},
  year={2025},
  eprint={2505.04620},
  archivePrefix={arXiv}
}"""
