"""What OCR reads for characters it cannot tell apart: the look-alike rules of every stage.

Each table is the set of readings seen for one printed character in one context; the stages
decide where a context holds (a table's number column, a section number, a header's number
label) and take the rule from here.
"""

from __future__ import annotations

# -- the vertical stroke: the digit 1, the letters I and l ------------------------------------

# What Tesseract gives for the digit 1 in a table's TT column (row numbers "1", "1.1"): "l",
# "I" and "]" most often, "[", "|", "!" and "L" at a cell's edge. Among digits, each is a 1.
DIGIT_ONE_LOOKALIKES = "lI]|[!L"
# What OCR gives for the strokes of a Roman numeral in a section number: "Ill." = III.,
# "I1." = II., "|." = I. In such a number each is an I.
ROMAN_ONE_LOOKALIKES = "l|1!"


def digit_ones(text: str) -> str:
    """'l.2' -> '1.2': every look-alike of 1 made a 1 (call it on what is known to be a number)."""
    return "".join("1" if ch in DIGIT_ONE_LOOKALIKES else ch for ch in text)


def roman_ones(text: str) -> str:
    """'Ill' -> 'III', 'I1' -> 'II': every look-alike of a Roman I made an I (call it on what
    is known to be a section number)."""
    return "".join("I" if ch in ROMAN_ONE_LOOKALIKES else ch for ch in text)


# -- digit for digit --------------------------------------------------------------------------

# Digits Tesseract takes for one another in print on scans (closed loops, a stroke lost or
# added): "2013" for 2015, "2016" for 2018.
DIGIT_LOOKALIKES = {"0": "689", "1": "7", "3": "58", "5": "36", "6": "058", "7": "1",
                    "8": "0369", "9": "08"}


# -- S and 5 ----------------------------------------------------------------------------------

# A letter standing alone that English-model OCR makes of a digit: "Điều S." = Điều 5.
DIGIT_OF_LETTER = {"S": "5"}

# The number label "Số" (No.) of a document's head as OCR gives it, on folded text (marks
# stripped): "Số:" folds to "So:", English-model OCR reads "S6:", "S0:", "5ố:" ("S" as "5"
# needs the colon to tell it from a number), "S:" with the vowel lost; "Số 45-KH/ĐU" in the
# Party style has no colon.
NUMBER_LABEL = r"(?:S\w?\s*[:;]?|5\w\s*[:;])"
# ... the label with the vowel split off by a speck ("S o:", "S.o:"), when no number follows it
# (a draft's blank number).
NUMBER_LABEL_SPLIT = r"S\W{0,2}o\s*[:;]"
# ... as one folded lower-case token ("số", "s6", "50:", "so."), for token patterns.
NUMBER_LABEL_TOKEN = r"^(?:s[a-z0-9]?|5[0-9o])[:.]?$"


# -- Đ and D ----------------------------------------------------------------------------------

# Đ is a D with a stroke, which Unicode does not decompose: stripping marks maps it by hand.
D_WITH_STROKE = {"đ": "d", "Đ": "D"}
# ... and the eth (ð, Ð), which looks the same and which OCR and some converted texts give for
# it: to matching, both are a d.
D_LOOKALIKES = {**D_WITH_STROKE, "ð": "d", "Ð": "D"}
