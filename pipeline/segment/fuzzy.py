"""How alike OCR'd text must be to what it is taken for: the segment stage's rapidfuzz score
cut-offs (0..100), in one place, each with the case that set it.

Texts are compared folded (marks stripped, đ -> d, lower case); "squeezed" keys are folded
letters and digits only, since OCR glues and splits words as often as it swaps marks.
"""

from __future__ import annotations

# --- a lexicon term in a line (ratio of folded word windows; segment/vocabulary.py) ----------
# An OCR'd window of words against a lexicon term ("Phong Vin hoa" for "Phòng Văn hóa").
TERM = 85
# The window's last word against the term's: the whole name, not its start with other words
# after it ("Phòng Văn hóa - Các …").
LAST_WORD = 60
# A long name whose head word OCR or restore got wrong ("Động Văn hóa -" for "Phòng Văn hóa -"):
# three words or more, held to more than a whole term.
FUZZY_HEAD = 88
# The wrapped rest of a name on the next line (partial ratio): it is short, one slip costs more.
CONTINUATION = 75
# A whole line of a narrow cell that goes on with a name's words ("Phòng Văn hóa -" / "Xã hội").
WRAP = 75

# --- a cell's value as the lexicon spells it (ratio of squeezed keys; appendix/cell_words.py) -
# A whole value against a whole lexicon term: two slips in a name of 16 letters ("Phong Vin
# hoa X3 hoi") are 87.5.
CANONICAL = 85
# A start is shorter than a whole name, and "Văn phòng UBND" must not be taken for the start of
# "Văn phòng Ủy ban …" (88 alike squeezed): a start is held to more.
START = 90
# Deadline terms are short: "hangnarn" for "hangnam" is one slip.
DEADLINE = 85
# "Bố Cỡ" (OCR's "B40 C40" restored) is "Báo cáo" with two slips.
OUTPUT_OPENER = 80

# --- a garbled cell against the values of its column in the table's other rows ---------------
# (partial ratios of letters only, appendix/attested.py). Against those few names alone, a
# lower score is evidence enough: "Phon)g(;/ﬁgihoa" is "Phòng Văn hóa - Xã hội".
ATTESTED = 65
ATTESTED_MARGIN = 10  # over the next value: two bodies alike enough to doubt stay unread
# Two spellings of a name this alike are one name (two slips in 16 letters, as CANONICAL).
SAME_NAME = 85

# --- the header --------------------------------------------------------------------------------
# A fixed phrase of the header (national name, motto) in a line, partial ratio on folded upper
# case; no measurement recorded for it beyond the samples it was tuned on.
FIXED_PHRASE = 80

# --- the signature block (segment/signers.py) -----------------------------------------------------
# A position line garbled beyond its title words against the closed list of signer positions
# (ratio, folded upper case): "HIEU TRUC" (OCR of "HIỆU TRƯỞNG", then restored "HIỆU LỰC") is 80.
SIGNER_POSITION = 80
