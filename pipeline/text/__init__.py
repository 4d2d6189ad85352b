"""Vietnamese text primitives every stage uses; below the stages, importing none of them.

- `syllables`: tone marks apart from letters, and the official tone placement (hòa, thủy);
- `fold`: text without its marks, for matching (`strip_marks`, and `fold`, which keeps offsets);
- `vietnamese`: whether a text reads as Vietnamese, its words counted against the syllable
  inventory;
- `lookalikes`: what OCR reads for characters it cannot tell apart (1/I/l, S/5, "Số", Đ/D), the
  one place these rules are written.
"""
