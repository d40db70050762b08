#!/usr/bin/env python3
"""Generates Sources/Retrieval/Analysis/UnicodeTables.swift for the Lucene-compatible StandardTokenizer.

Lucene 9.9's StandardTokenizer (as bundled in Anserini 1.7.1 / pyserini 1.6.0) behaves as if its
Word_Break, Script and Line_Break properties were those of Unicode 12.1, while its emoji properties
come from Emoji 11.0 data. We only have newer UCD files (Debian `unicode-data` 15.0 in
/usr/share/unicode), so every property is restricted to code points that already existed then
(DerivedAge.txt), and the few values that changed since are set back (see FIXUPS below). The
version and the fix-ups were found by running Lucene itself on every code point in several contexts.

Usage: python3 scripts/generate-analysis-tables.py [UCD_DIR] > Sources/Retrieval/Analysis/UnicodeTables.swift
"""
import os
import sys

UCD = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/unicode"

# Word_Break classes, in the order of `WordBreakClass` in Swift (raw values 0...).
WB = ["Other", "CR", "LF", "Newline", "Extend", "ZWJ", "Regional_Indicator", "Format", "Katakana",
      "Hebrew_Letter", "ALetter", "Single_Quote", "Double_Quote", "MidNumLet", "MidLetter", "MidNum",
      "Numeric", "ExtendNumLet"]
FLAG_HAN, FLAG_HIRAGANA, FLAG_COMPLEX, FLAG_EMOJI, FLAG_EMB, FLAG_EM = (1 << 5, 1 << 6, 1 << 7, 1 << 8, 1 << 9, 1 << 10)
MAX = 0x110000


def ranges(path, want=None):
    """Yields (first, last, value) from a UCD-style `a..b ; value # comment` file."""
    with open(os.path.join(UCD, path), encoding="utf-8") as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            cps, value = [p.strip() for p in line.split(";")[:2]]
            if want is not None and value not in want:
                continue
            a, _, b = cps.partition("..")
            yield int(a, 16), int(b or a, 16), value


def version_key(v):
    return tuple(int(x) for x in v.split("."))


age = [None] * MAX
for a, b, v in ranges("DerivedAge.txt"):
    for cp in range(a, b + 1):
        age[cp] = version_key(v)


def existed_in(cp, version):
    return age[cp] is not None and age[cp] <= version


U9, E11 = (12, 1), (11, 0)  # U9: the Unicode version of the Word_Break/Script/Line_Break data
value = [0] * MAX

for a, b, v in ranges("auxiliary/WordBreakProperty.txt"):
    if v not in WB:
        continue  # WSegSpace (Unicode 11+) was Other in Unicode 9.
    for cp in range(a, b + 1):
        if existed_in(cp, U9):
            value[cp] = WB.index(v)
# Unicode 14 made these ALetter or MidLetter; Lucene still has them as Other:
# modifier tone letters, Armenian apostrophe/abbreviation mark/hyphen, Chinese tone letters.
for a, b in [(0x02E5, 0x02EB), (0x055A, 0x055A), (0x055F, 0x055F), (0x058A, 0x058A), (0xA708, 0xA716)]:
    for cp in range(a, b + 1):
        value[cp] = 0
# Lucene's NumericEx also accepts the full-width digits.
for cp in range(0xFF10, 0xFF19 + 1):
    value[cp] = WB.index("Numeric")

for a, b, v in ranges("Scripts.txt", {"Han", "Hiragana"}):
    for cp in range(a, b + 1):
        if existed_in(cp, U9):
            value[cp] |= FLAG_HAN if v == "Han" else FLAG_HIRAGANA
# OLD CHINESE HOOK MARK became Script=Han after Unicode 12.1.
value[0x16FE2] &= ~FLAG_HAN
for a, b, v in ranges("LineBreak.txt", {"SA"}):
    for cp in range(a, b + 1):
        if existed_in(cp, U9):
            value[cp] |= FLAG_COMPLEX

emoji, ext_pict, emb, em = set(), set(), set(), set()
for a, b, v in ranges("emoji/emoji-data.txt"):
    for cp in range(a, b + 1):
        if v == "Extended_Pictographic":
            ext_pict.add(cp)  # includes reserved code points on purpose, as Emoji 11 did
        elif existed_in(cp, E11):
            {"Emoji": emoji, "Emoji_Modifier_Base": emb, "Emoji_Modifier": em}.get(v, set()).add(cp)
# Emoji 11 reserved 1FB00..1FBFF as Extended_Pictographic; Unicode 13 filled the block with
# legacy computing symbols and dropped it, but Lucene still makes each of them an emoji token.
ext_pict |= set(range(0x1FB00, 0x1FBFF + 1))
# Lucene: EmojiChar = Extended_Pictographic | (Emoji - (Regional_Indicator | [0-9#*] | [©®™〰〽] | Emoji_Modifier))
rkam = {cp for cp in range(MAX) if WB[value[cp] & 31] == "Regional_Indicator"}
rkam |= {ord(c) for c in "0123456789#*©®™\u3030\u303D"} | em
for cp in ext_pict | (emoji - rkam):
    value[cp] |= FLAG_EMOJI
for cp in emb:
    value[cp] |= FLAG_EMB
for cp in em:
    value[cp] |= FLAG_EM

starts = []
prev = None
for cp in range(MAX):
    if value[cp] != prev:
        starts.append((cp << 11) | value[cp])
        prev = value[cp]

# Simple (one-to-one) lowercase mappings, as Java's Character.toLowerCase(int) uses.
lower = []
with open(os.path.join(UCD, "UnicodeData.txt"), encoding="utf-8") as f:
    for line in f:
        fields = line.split(";")
        if fields[13]:
            cp, lo = int(fields[0], 16), int(fields[13], 16)
            if cp >= 0x80:
                lower.append((cp, lo))


def chunked(words, per_line=10):
    lines = []
    for i in range(0, len(words), per_line):
        lines.append("        " + "".join(words[i:i + per_line]))
    return "\n".join(lines)


out = sys.stdout
out.write("// Generated by scripts/generate-analysis-tables.py from the UCD files in %s.\n" % UCD)
out.write("// Do not edit by hand.\n\n")
out.write("enum UnicodeTables {\n")
out.write("    /// Range starts packed as `codePoint << 11 | value`, 8 hex digits each; a range runs to the next start.\n")
out.write("    /// `value`: Word_Break class in bits 0-4, then Han, Hiragana, Complex_Context, emoji char,\n")
out.write("    /// Emoji_Modifier_Base and Emoji_Modifier flags.\n")
out.write("    static let packedRanges: String = \"\"\"\n")
out.write(chunked(["%08X" % s for s in starts]) + "\n")
out.write("        \"\"\"\n\n")
out.write("    /// Non-ASCII simple lowercase mappings: pairs of 6-hex-digit code points (from, to), sorted by `from`.\n")
out.write("    static let packedLowercase: String = \"\"\"\n")
out.write(chunked(["%06X%06X" % p for p in lower], 8) + "\n")
out.write("        \"\"\"\n")
out.write("}\n")
print("ranges:", len(starts), "lowercase:", len(lower), file=sys.stderr)
