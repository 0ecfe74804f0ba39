"""Unit tests for the scoring functions of bench/accuracy.py (no OCR is run here).

Run: /usr/bin/python3 -m pytest -q tests/e2e/test_accuracy_harness.py
"""

import importlib.util
import random
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
SCRIPT = REPO_ROOT / "bench" / "accuracy.py"


def _load():
    spec = importlib.util.spec_from_file_location("ocrbatch_bench_accuracy", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    saved, sys.dont_write_bytecode = sys.dont_write_bytecode, True  # no bench/__pycache__
    try:
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = saved
    return module


acc = _load()


def _reference_levenshtein(a, b):
    """Textbook full-matrix DP, to check the single-row implementation against."""
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1,
                          d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
    return d[len(a)][len(b)]


# --- normalisation ---------------------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [
    ("\ufb01ne \ufb02ow", "fine flow"),           # ligatures fi, fl
    ("\uff21\uff22\uff23\uff0c", "ABC,"),         # full-width letters and comma
    ("x\u00b2 \u2460", "x2 1"),                    # superscript, circled digit
    ("caf\u0065\u0301", "caf\u00e9"),              # combining accent composed
    ("a\u00a0b\u2003c", "a b c"),                  # no-break and em spaces are whitespace
])
def test_normalise_nfkc(raw, expected):
    assert acc.normalise(raw) == expected


@pytest.mark.parametrize("raw, expected", [
    ("How could she ex-\nplain it", "How could she explain it"),
    ("ex-  \n   plain", "explain"),                # trailing spaces, indented next line
    ("ex-\r\nplain", "explain"),                   # CRLF
    ("sim-\n\n\nply", "simply"),                   # blank lines between (page/column break)
    ("co\u00ad\nop", "coop"),                      # soft hyphen
    ("re\u2010\nenter", "reenter"),                # Unicode hyphen
    ("well-known words", "well-known words"),      # hyphen inside a line stays
    ("a - \nb", "a - b"),                          # a dash between spaces is not a hyphenation
    ("the end-\n", "the end-"),                    # hyphen at the very end: nothing to join
    ("end-\n- item", "end- - item"),               # next line does not start with a word
])
def test_normalise_joins_line_end_hyphens(raw, expected):
    assert acc.normalise(raw) == expected


def test_normalise_whitespace():
    assert acc.normalise("  a \t b\n\nc\fd\r\n  ") == "a b c d"
    assert acc.normalise("") == ""
    assert acc.normalise(" \n\t\f ") == ""
    assert acc.normalise("one\u2028two\u2029three\x85four") == "one two three four"


def test_normalise_hyphen_joining_happens_after_nfkc():
    # U+2011 NON-BREAKING HYPHEN becomes U+2010 under NFKC and is then joined.
    assert acc.normalise("ex\u2011\nplain") == "explain"


def test_normalise_upper_only_when_asked():
    assert acc.normalise("Total  rm\n12.50") == "Total rm 12.50"
    assert acc.normalise("Total  rm\n12.50", upper=True) == "TOTAL RM 12.50"
    assert acc.normalise("stra\u00dfe", upper=True) == "STRASSE"


# --- receipts upper-casing -------------------------------------------------------------------

def test_uppercase_only_for_receipts():
    assert acc.uppercase_for("eng-receipts-sroie")
    assert acc.uppercase_for("eng-receipts-sroie-blur2")  # a generated degraded copy
    assert not acc.uppercase_for("eng-books-oldbooks")
    assert not acc.uppercase_for("eng-forms-funsd")
    assert acc.uppercase_for("eng-forms-funsd", force=True)
    assert acc.uppercase_for("eng-photos-real")  # photos are compared case-blind


def test_chinese_sets_are_scored_on_characters():
    assert acc.chinese("chi-sim-cnocr-examples") and acc.chinese("chi-sim-real")
    assert not acc.chinese("eng-lines-uw3")
    assert acc.normalise("\u4e2d \u6587\n\u5b57", chars=True) == "\u4e2d\u6587\u5b57"
    page = acc.score_page("\u4e2d\u6587 \u5b57", "\u4e2d \u6587\u5b57\u5178", chars=True)
    assert (page["dist"], page["chars"], page["tp"], page["n_hyp"], page["n_ref"]) == (1, 4, 3, 3, 4)


def test_receipts_score_is_case_insensitive():
    ocr, gt = "Cash Bill\nTotal: RM 9.00", "CASH BILL\nTOTAL: RM 9.00"
    s = acc.score_page(ocr, gt, upper=acc.uppercase_for("eng-receipts-sroie"))
    assert s["dist"] == 0 and s["tp"] == s["n_ref"] == s["n_hyp"] == 5
    s = acc.score_page(ocr, gt, upper=acc.uppercase_for("eng-forms-funsd"))
    assert s["dist"] == 10  # the lower-case letters of "ash", "ill", "otal" differ
    assert s["tp"] == 2  # "RM" and "9.00"


# --- edit distance and CER -------------------------------------------------------------------

@pytest.mark.parametrize("a, b, d", [
    ("", "", 0),
    ("abc", "", 3),
    ("", "abc", 3),
    ("abc", "abc", 0),
    ("kitten", "sitting", 3),
    ("flaw", "lawn", 2),
    ("intention", "execution", 5),
    ("abc", "acb", 2),
    ("The quick", "Teh quikc", 4),
    ("\u4e2d\u6587\u5b57", "\u4e2d\u5b57", 1),      # code points, not bytes
])
def test_levenshtein_known_pairs(a, b, d):
    assert acc.levenshtein(a, b) == d
    assert acc.levenshtein(b, a) == d


def test_levenshtein_matches_full_matrix_on_random_strings():
    rng = random.Random(7)
    for _ in range(200):
        a = "".join(rng.choice("ab c") for _ in range(rng.randrange(0, 25)))
        b = "".join(rng.choice("ab c") for _ in range(rng.randrange(0, 25)))
        assert acc.levenshtein(a, b) == _reference_levenshtein(a, b), (a, b)


def test_levenshtein_page_sized_input():
    rng = random.Random(1)
    a = "".join(rng.choice("abcdefgh ") for _ in range(600))
    b = list(a)
    for k in range(0, 600, 50):
        b[k] = "Z"  # 12 substitutions, spread out
    assert acc.levenshtein(a, "".join(b)) == 12


def test_cer_known_pairs():
    assert acc.cer([("kitten", "sitting")]) == pytest.approx(3 / 7)
    assert acc.cer([("abc", "abc")]) == 0.0
    assert acc.cer([("", "abcd")]) == 1.0        # empty output: every character deleted
    assert acc.cer([("abcdefgh", "abcd")]) == 1.0  # insertions count too (CER can pass 1)


def test_cer_is_micro_averaged():
    # Page 1: 1 error in 2 chars (50 %); page 2: 0 errors in 98 chars. Micro = 1/100, not 25 %.
    pages = [("ax", "ab"), ("c" * 98, "c" * 98)]
    assert acc.cer(pages) == pytest.approx(0.01)


def test_capped_distance():
    assert acc.capped_distance("kitten", "sitting", 0) == (3, False)
    assert acc.capped_distance("kitten", "sitting", 100) == (3, False)
    # Cut to 3 chars: "kit" vs "sit" = 1, plus the longer tail ("ting", 4) charged in full.
    assert acc.capped_distance("kitten", "sitting", 3) == (5, True)


def test_score_page_normalises_before_scoring():
    s = acc.score_page("How could she ex-\nplain  it?\f", "How could she explain it?")
    assert s["dist"] == 0
    assert s["chars"] == len("How could she explain it?")
    assert (s["tp"], s["n_hyp"], s["n_ref"]) == (5, 5, 5)


# --- bag-of-words F1 -------------------------------------------------------------------------

def test_word_f1_known_pairs():
    assert acc.word_f1("a b c", "a b c") == 1.0
    assert acc.word_f1("c b a", "a b c") == 1.0   # order does not matter
    assert acc.word_f1("x y z", "a b c") == 0.0
    assert acc.word_f1("", "a b") == 0.0
    assert acc.word_f1("a b", "") == 0.0
    assert acc.word_f1("", "") == 1.0
    # 2 of 3 hypothesis words right (P = 2/3), 2 of 4 reference words found (R = 1/2).
    assert acc.word_f1("a b x", "a b c d") == pytest.approx(2 * (2 / 3) * (1 / 2) / (2 / 3 + 1 / 2))


def test_word_f1_uses_multiset_counts():
    # "the" twice in the output but once in the truth: only one counts.
    assert acc.word_counts("the the cat", "the cat") == (2, 3, 2)
    assert acc.word_f1("the the cat", "the cat") == pytest.approx(0.8)
    # And the other way round.
    assert acc.word_counts("the cat", "the the cat") == (2, 2, 3)


def test_word_f1_is_case_and_punctuation_sensitive():
    assert acc.word_counts("Cat.", "cat") == (0, 1, 1)


def test_f1_from_counts_set_totals():
    # Totals over two pages: (tp 3, hyp 4, ref 6) -> P 0.75, R 0.5, F1 0.6.
    assert acc.f1_from_counts(3, 4, 6) == pytest.approx(0.6)
    assert acc.f1_from_counts(0, 0, 0) == 1.0
    assert acc.f1_from_counts(0, 5, 0) == 0.0
